// A GNOME virtual monitor per session (Mutter's ScreenCast RecordVirtual),
// at the client's exact mode. Mutter 43 makes the monitor only when a
// PipeWire consumer negotiates the stream's format, at the negotiated size
// and maxFramerate (its refresh). So create() asks for exactly that mode
// once itself (a short capture that only negotiates, a few ms), waits until
// Mutter lists the monitor at that mode, and leaves it there: the session's
// capture asks for the same mode again and gets the same monitor, 1:1. A
// RemoteDesktop session carries the stream and the input that goes to it;
// stopping it removes the monitor, and so does our bus connection dropping
// (a crashed host leaves no monitor behind). Details in docs/desktop.md.
import { FrameCapture } from '@punktfunk/native';
import type { DesktopConfig } from '../../config/index.js';
import type { OpenedDesktop } from '../desktop-source.js';
import { type MutterMonitor, moveMonitorToOrigin, mutterMonitors } from '../wayland/display-config.js';
import { type CursorMode, type MutterSession, startMutterVirtualSession } from '../wayland/mutter-session.js';
import { connectSessionBus, DesktopError, type SessionBus, withDeadline } from '../wayland/session-bus.js';
import type { VirtualBackendContext } from './backends.js';
import { checkVirtualMode } from './mode-limits.js';
import { watchMutterGone } from './mutter-gone.js';
import { sessionPointer } from './mutter-virtual-input.js';
import {
  type SessionDisplayRequest,
  type VirtualDisplay,
  type VirtualDisplayBackend,
  VirtualDisplayError,
} from './virtual-display.js';

type VirtualRequest = Extract<SessionDisplayRequest, { mode: 'virtual' }>;

export interface MutterVirtualOptions {
  desktop: Pick<DesktopConfig, 'sessionBusAddress' | 'waylandDisplay' | 'runtimeDir'>;
  /** embedded (default): Mutter draws the pointer into the picture; metadata: the engine draws it. */
  cursor?: CursorMode;
  /** Each D-Bus step and the monitor's appearance (default 5000). */
  timeoutMs?: number;
  /**
   * Put each new monitor at the layout's origin, where Mutter 43 opens new
   * fullscreen windows, so the session's app opens on it (default true). The
   * desktop's other monitors move right by its width until it goes.
   */
  placeApps?: boolean;
  log?(line: string): void;
}

// Mutter's virtual monitors are listed under this product name (mutter 43).
const VIRTUAL_PRODUCT = 'Virtual remote monitor';
const POLL_MS = 50;
const STOP_TIMEOUT_MS = 2_000;

function asVirtualError(error: unknown): VirtualDisplayError {
  if (error instanceof VirtualDisplayError) return error;
  const message = (error as Error).message;
  if (
    error instanceof DesktopError &&
    (error.code === 'DBUS_UNAVAILABLE' || error.code === 'MUTTER_UNAVAILABLE')
  ) {
    return new VirtualDisplayError('BACKEND_UNAVAILABLE', message);
  }
  return new VirtualDisplayError('CREATE_FAILED', message);
}

/**
 * Makes Mutter create the monitor: a capture that asks the stream for
 * exactly this mode and closes again once the format is negotiated (the
 * monitor stays until the session stops). Blocks this thread for the
 * negotiation only: a few ms.
 */
function negotiateMode(nodeId: number, r: VirtualRequest, stallTimeoutMs: number): void {
  const capture = new FrameCapture({
    source: 'pipewire',
    // The output size does not matter: nothing is converted.
    width: 640,
    height: 360,
    pixelFormat: 'yuv420p',
    pipewire: { nodeId, fixedSize: { width: r.width, height: r.height }, maxFps: r.fps, stallTimeoutMs },
  });
  capture.close();
}

/** Resolves with the monitor that was not in `before`, once Mutter lists it; rejects when it never does. */
async function waitForMonitor(
  bus: SessionBus,
  before: Set<string>,
  session: MutterSession,
  timeoutMs: number,
): Promise<MutterMonitor> {
  let closed = false;
  void session.closedByDesktop.then(() => {
    closed = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const added = (await mutterMonitors(bus, timeoutMs)).find(
      (m) => !before.has(m.connector) && m.product === VIRTUAL_PRODUCT,
    );
    if (added?.mode) return added;
    if (closed)
      throw new VirtualDisplayError(
        'CREATE_FAILED',
        'mutter closed the stream instead of making the monitor (see its log)',
      );
    if (Date.now() > deadline) {
      throw new VirtualDisplayError(
        'CREATE_FAILED',
        `mutter listed no new virtual monitor within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export class MutterVirtualBackend implements VirtualDisplayBackend {
  readonly name = 'mutter' as const;
  // One creation at a time: each finds its monitor as "the one that was not there before".
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: MutterVirtualOptions) {}

  async create(request: VirtualRequest): Promise<VirtualDisplay> {
    // Never past these: asked for a size its renderer cannot make, mutter 43
    // aborts, taking the desktop with it (docs/desktop.md).
    checkVirtualMode(request, 'mutter');
    const created = this.queue.then(() => this.createNow(request));
    this.queue = created.catch(() => {});
    return created;
  }

  private async createNow(r: VirtualRequest): Promise<VirtualDisplay> {
    const timeoutMs = this.o.timeoutMs ?? 5_000;
    let bus: SessionBus | null = null;
    let session: MutterSession | null = null;
    try {
      bus = await connectSessionBus(this.o.desktop.sessionBusAddress, timeoutMs);
      session = await startMutterVirtualSession(bus, { cursor: this.o.cursor ?? 'embedded', timeoutMs });
      // Before the format is negotiated there is no monitor yet.
      const before = new Set((await mutterMonitors(bus, timeoutMs)).map((m) => m.connector));
      negotiateMode(session.stream.nodeId, r, timeoutMs);
      const monitor = await waitForMonitor(bus, before, session, timeoutMs);
      const mode = monitor.mode;
      if (mode?.width !== r.width || mode.height !== r.height) {
        throw new VirtualDisplayError(
          'CREATE_FAILED',
          `mutter made ${monitor.connector} at ${mode?.width}x${mode?.height}, not ${r.width}x${r.height}`,
        );
      }
      await this.putAppsHere(bus, monitor.connector, timeoutMs);
      return this.display(r, bus, session, monitor);
    } catch (error) {
      await session?.close();
      bus?.disconnect();
      throw asVirtualError(error);
    }
  }

  /** The session's app opens on this monitor (see moveMonitorToOrigin); a refused layout costs only that. */
  private async putAppsHere(bus: SessionBus, connector: string, timeoutMs: number): Promise<void> {
    if (this.o.placeApps === false) return;
    try {
      await moveMonitorToOrigin(bus, connector, timeoutMs);
    } catch (error) {
      this.o.log?.(
        `mutter virtual monitor ${connector}: not moved to the layout's origin (${(error as Error).message}); ` +
          "the session's app may open on another monitor",
      );
    }
  }

  private display(
    r: VirtualRequest,
    bus: SessionBus,
    session: MutterSession,
    monitor: MutterMonitor,
  ): VirtualDisplay {
    const { width, height, fps } = r;
    const { nodeId } = session.stream;
    const refreshHz = monitor.mode?.refreshHz ?? fps;
    const description = `mutter virtual ${monitor.connector} ${width}x${height}@${Math.round(refreshHz)} (PipeWire node ${nodeId})`;
    let closing: Promise<void> | null = null;
    const gone = watchMutterGone(bus, session);
    const info = { mode: 'virtual' as const, backend: 'mutter', width, height, description };
    const appEnvironment = this.appEnvironment();
    const desktop: OpenedDesktop = {
      spec: { source: 'pipewire', nodeId, fixedSize: { width, height }, maxFps: fps },
      description,
      backend: 'mutter',
      size: { width, height },
      input: {
        kind: 'mutter',
        input: sessionPointer(session.input),
        screen: { width, height },
        outputName: monitor.connector,
      },
      // Our own close() also ends the session: that is no reason to report.
      closedByDesktop: gone.then((reason) =>
        closing ? new Promise<string>(() => {}) : `${monitor.connector}: ${reason}`,
      ),
      close: () => {
        // Bounded: a wedged Mutter must not hold the session's end; dropping
        // the bus connection ends the session on Mutter's side anyway.
        closing ??= withDeadline(session.close(), STOP_TIMEOUT_MS, 'Mutter session stop')
          .catch(() => {})
          .finally(() => bus.disconnect());
        return closing;
      },
      appEnvironment,
      displayInfo: info,
    };
    return { backend: 'mutter', width, height, fps, desktop, appEnvironment, info };
  }

  /** The GNOME session's Wayland socket: apps started there open on the monitor at the origin, this one. */
  private appEnvironment(): Record<string, string> {
    const { waylandDisplay, runtimeDir } = this.o.desktop;
    return {
      ...(waylandDisplay ? { WAYLAND_DISPLAY: waylandDisplay } : {}),
      ...(runtimeDir ? { XDG_RUNTIME_DIR: runtimeDir } : {}),
    };
  }
}

/** The backend as desktop/virtual/backends.ts registers it. */
export function mutterVirtualBackend({ desktop, log }: VirtualBackendContext): VirtualDisplayBackend {
  return new MutterVirtualBackend({ desktop, log });
}
