// Opens the desktop for each session start (desktop-source.ts says what
// each backend is) and remembers what it opened last, for /api/v1/status:
// the backend, its size, where input goes, and whether a portal approval
// dialog is waiting. One per host, shared by both protocol services.
import type { DesktopStatus } from '@punktfunk/shared';
import type { DesktopConfig } from '../config/index.js';
import { type OpenedDesktop, openX11OrSynthetic, resolveCapture } from './desktop-source.js';
import { type RestoreTokenStore, restoreTokenStore } from './portal-token.js';
import { DESKTOP_DISPLAY, type SessionDisplayRequest } from './virtual/virtual-display.js';
import { VirtualDisplays } from './virtual/virtual-displays.js';
import { openMutterDesktop, openPipeWireNode, openPortalDesktop } from './wayland/open-wayland.js';
import { openWlrDesktop, type WlrOutputProbe, wlrScreencopyAnswers } from './wayland/open-wlr.js';
import { connectSessionBus, nameHasOwner } from './wayland/session-bus.js';

// What the protocol services build their request with (host default, the app's choice, the stream's mode).
export { sessionDisplayRequest } from './virtual/session-request.js';

export interface DesktopOpenerOptions {
  desktop: DesktopConfig;
  /** Where the portal's restore token is kept. */
  configDir: string;
  log(line: string): void;
  /** How long a portal approval dialog may wait (default: the portal module's). */
  approvalTimeoutMs?: number;
}

type WaylandChoice =
  | { backend: 'mutter' | 'portal'; reason: string }
  /** `probe`: the output screencopy answered with, opened without asking again. */
  | { backend: 'wlr'; reason: string; probe: WlrOutputProbe };

// A bus that answers does so in milliseconds; this only bounds a wedged one.
const PROBE_TIMEOUT_MS = 2_000;

/** Whether GNOME's screen-cast API answers on `address`; the reason when not. */
export async function mutterAnswers(
  address: string | undefined,
): Promise<{ answers: boolean; reason: string }> {
  try {
    const bus = await connectSessionBus(address, PROBE_TIMEOUT_MS);
    try {
      const owned = await nameHasOwner(bus, 'org.gnome.Mutter.ScreenCast', PROBE_TIMEOUT_MS);
      return {
        answers: owned,
        reason: owned ? '' : 'org.gnome.Mutter.ScreenCast is not on the session D-Bus',
      };
    } finally {
      bus.disconnect();
    }
  } catch (error) {
    return { answers: false, reason: (error as Error).message };
  }
}

/**
 * auto on a Wayland desktop: mutter when its API answers, else wlr when the
 * compositor offers screencopy (sway, Hyprland: no dialog), else the portal;
 * with the reason.
 */
export async function chooseWaylandBackend(desktop: DesktopConfig): Promise<WaylandChoice> {
  const on = `WAYLAND_DISPLAY=${desktop.waylandDisplay}`;
  const mutter = await mutterAnswers(desktop.sessionBusAddress);
  if (mutter.answers) return { backend: 'mutter', reason: `${on} and GNOME's screen-cast API answers` };
  const noMutter = `GNOME's screen-cast API does not answer (${mutter.reason})`;
  const wlr = wlrScreencopyAnswers(desktop);
  if (wlr.answers) {
    const { outputName, width, height } = wlr.probe;
    const offers = `the compositor offers wlroots screencopy (${outputName} ${width}x${height})`;
    return { backend: 'wlr', reason: `${on}, ${noMutter}, ${offers}`, probe: wlr.probe };
  }
  return { backend: 'portal', reason: `${on}, ${noMutter}, no wlroots screencopy (${wlr.reason})` };
}

export class DesktopOpener {
  private last: OpenedDesktop | null = null;
  private waiting = false;
  private readonly tokens: RestoreTokenStore;
  private readonly virtual: VirtualDisplays;

  constructor(private readonly o: DesktopOpenerOptions) {
    this.tokens = restoreTokenStore(o.configDir, { warn: o.log });
    this.virtual = new VirtualDisplays(o.desktop, o.log, mutterAnswers);
  }

  /** For the start-up log: what sessions will show, as far as it is known before one starts. */
  preview(): string {
    const d = this.o.desktop;
    if (d.displayMode === 'virtual') return this.virtual.preview();
    if (d.capture === 'pipewire' || d.capture === 'mutter' || d.capture === 'portal' || d.capture === 'wlr') {
      return `the Wayland desktop through ${d.capture}, opened per session`;
    }
    if (d.capture === 'auto' && d.waylandDisplay) {
      return `the Wayland desktop ${d.waylandDisplay} (mutter, wlr or portal, decided per session)`;
    }
    return resolveCapture(d).description;
  }

  /**
   * Opens this session's display: the shared desktop, or (request.mode
   * 'virtual') a display made for the session at its mode, removed by the
   * returned desktop's close(). Throws a DesktopError or VirtualDisplayError
   * (or the like) with the reason when it cannot.
   */
  async open(request: SessionDisplayRequest = DESKTOP_DISPLAY): Promise<OpenedDesktop> {
    const opened =
      request.mode === 'virtual' ? await this.virtual.open(request) : await this.openConfigured();
    this.last = opened;
    return opened;
  }

  private async openConfigured(): Promise<OpenedDesktop> {
    const d = this.o.desktop;
    switch (d.capture) {
      case 'mutter':
        return openMutterDesktop(d);
      case 'portal':
        return this.openPortal();
      case 'wlr':
        return openWlrDesktop(d);
      case 'pipewire':
        if (!d.pipewireNode) throw new Error('PUNKTFUNK_CAPTURE=pipewire without a node');
        return openPipeWireNode(d, d.pipewireNode);
      case 'auto':
        return d.waylandDisplay ? this.openAutoWayland() : openX11OrSynthetic(d);
      default:
        return openX11OrSynthetic(d);
    }
  }

  private async openAutoWayland(): Promise<OpenedDesktop> {
    const choice = await chooseWaylandBackend(this.o.desktop);
    this.o.log(`desktop: auto picked ${choice.backend} (${choice.reason})`);
    if (choice.backend === 'mutter') return openMutterDesktop(this.o.desktop);
    if (choice.backend === 'wlr') return openWlrDesktop(this.o.desktop, choice.probe);
    return this.openPortal();
  }

  private openPortal(): Promise<OpenedDesktop> {
    return openPortalDesktop(this.o.desktop, {
      tokens: this.tokens,
      onWaiting: (waiting, what) => {
        this.waiting = waiting;
        if (waiting) {
          this.o.log(
            `desktop portal: waiting for approval at the desktop (${what}); ` +
              'choose the screen and Share there, once: the restore token is kept for the next sessions',
          );
        }
      },
      ...(this.o.approvalTimeoutMs ? { approvalTimeoutMs: this.o.approvalTimeoutMs } : {}),
    });
  }

  status(): DesktopStatus {
    const last = this.last;
    const input = last?.input.kind;
    return {
      configured: this.o.desktop.capture,
      // A virtual display names its own backend (xvfb, sway, mutter), not the capture's.
      backend: last?.displayInfo?.backend ?? last?.backend ?? null,
      description: last?.description ?? null,
      size: last?.size ?? null,
      inputInjector: input && input !== 'none' ? input : null,
      waitingForApproval: this.waiting,
    };
  }
}
