// Opens one session's Wayland capture: GNOME's Mutter screen cast (with its
// remote-desktop input), the desktop portal's screen cast (its PipeWire fd,
// its remote-desktop input where the portal offers one,
// its restore token kept for the next session), or a PipeWire node named in
// the configuration. Each returns an OpenedDesktop that closes the D-Bus
// session and the fd when the stream ends.
import { closeSync } from 'node:fs';
import type { DesktopConfig, PipeWireNodeRef } from '../../config/index.js';
import type { OpenedDesktop } from '../desktop-source.js';
import type { DesktopInputTarget } from '../input-target.js';
import type { RestoreTokenStore } from '../portal-token.js';
import { startMutterSession } from './mutter-session.js';
import { startPortalScreenCast } from './portal-screencast.js';
import { connectSessionBus, type SessionBus } from './session-bus.js';

/** Runs `open` on a fresh bus connection; the bus is dropped again when `open` fails. */
async function withBus<T>(address: string | undefined, open: (bus: SessionBus) => Promise<T>): Promise<T> {
  const bus = await connectSessionBus(address);
  try {
    return await open(bus);
  } catch (error) {
    bus.disconnect();
    throw error;
  }
}

/** Once: a second close (stream end after a desktop close) does nothing. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= close();
    return closing;
  };
}

/**
 * Input for a cast that is not Mutter's: the wlroots virtual devices when the
 * host runs in a Wayland desktop (the input router says whether they work
 * there), else nothing.
 */
export function waylandInputTarget(desktop: DesktopConfig): DesktopInputTarget {
  if (!desktop.waylandDisplay) {
    return { kind: 'none', reason: 'the host runs in no Wayland desktop (WAYLAND_DISPLAY is not set)' };
  }
  if (!desktop.runtimeDir) {
    return {
      kind: 'none',
      reason: `WAYLAND_DISPLAY=${desktop.waylandDisplay} but XDG_RUNTIME_DIR is not set`,
    };
  }
  return { kind: 'wlr', waylandDisplay: desktop.waylandDisplay, runtimeDir: desktop.runtimeDir };
}

export async function openMutterDesktop(desktop: DesktopConfig): Promise<OpenedDesktop> {
  return withBus(desktop.sessionBusAddress, async (bus) => {
    const session = await startMutterSession(bus, {
      connector: desktop.mutterMonitor ?? null,
      cursor: 'metadata',
    });
    const { nodeId, width, height, outputName } = session.stream;
    return {
      // Mutter's node is on the desktop's own PipeWire daemon (XDG_RUNTIME_DIR).
      spec: { source: 'pipewire', nodeId },
      description: `mutter ${outputName} ${width}x${height} (PipeWire node ${nodeId})`,
      backend: 'mutter',
      size: { width, height },
      input: { kind: 'mutter', input: session.input, screen: { width, height }, outputName },
      closedByDesktop: session.closedByDesktop.then(() => `mutter closed the screen cast of ${outputName}`),
      close: once(async () => {
        await session.close();
        bus.disconnect();
      }),
    };
  });
}

export interface PortalOpenOptions {
  tokens: RestoreTokenStore;
  /** Called once per session start when the portal's dialog is waiting; `false` when it no longer waits. */
  onWaiting(waiting: boolean, what: string): void;
  approvalTimeoutMs?: number;
}

export async function openPortalDesktop(
  desktop: DesktopConfig,
  o: PortalOpenOptions,
): Promise<OpenedDesktop> {
  const restoreToken = await o.tokens.read();
  return withBus(desktop.sessionBusAddress, async (bus) => {
    const session = await startPortalScreenCast(bus, {
      restoreToken,
      withInput: desktop.portalInput !== 'off',
      onWaitingForApproval: (what) => o.onWaiting(true, what),
      ...(o.approvalTimeoutMs ? { approvalTimeoutMs: o.approvalTimeoutMs } : {}),
    }).finally(() => o.onWaiting(false, ''));
    const { nodeId, width, height, pipewireFd: fd, restoreToken: newToken } = session.stream;
    if (newToken && newToken !== restoreToken) await o.tokens.write(newToken);
    const spec =
      fd === null ? { source: 'pipewire' as const, nodeId } : { source: 'pipewire' as const, fd, nodeId };
    return {
      spec,
      description: `portal ${width}x${height} (PipeWire node ${nodeId}${fd === null ? '' : ', fd'})`,
      backend: 'portal',
      size: { width, height },
      // The portal's remote desktop where it granted devices; else what a cast alone gets.
      input: session.input
        ? { kind: 'portal', input: session.input, screen: { width, height } }
        : waylandInputTarget(desktop),
      closedByDesktop: session.closedByDesktop.then(() => 'the desktop portal closed the screen cast'),
      close: once(async () => {
        // The engine duplicated the fd for its capture; ours is closed here.
        if (fd !== null) closeSync(fd);
        await session.close();
        bus.disconnect();
      }),
    };
  });
}

function describeNode(node: PipeWireNodeRef): string {
  return 'id' in node ? `pipewire node ${node.id}` : `pipewire node ${node.name}`;
}

/** A node on the host's default PipeWire daemon: nothing to open here; the capture finds it (or fails). */
export function openPipeWireNode(desktop: DesktopConfig, node: PipeWireNodeRef): OpenedDesktop {
  return {
    spec:
      'id' in node ? { source: 'pipewire', nodeId: node.id } : { source: 'pipewire', nodeName: node.name },
    description: describeNode(node),
    backend: 'pipewire',
    size: null,
    input: waylandInputTarget(desktop),
    closedByDesktop: new Promise<string>(() => {}),
    close: async () => {},
  };
}
