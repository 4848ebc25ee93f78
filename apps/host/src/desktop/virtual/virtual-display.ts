// A display made for one session at the client's exact mode ("virtual"
// display mode): a private Xvfb, a headless sway output, or a GNOME virtual
// monitor (Mutter's RecordVirtual). Each backend creates the display, says
// how to capture it 1:1 and where its input goes (an OpenedDesktop), which
// environment an app needs to start on it, and removes it again. The
// DesktopOpener picks the backend (desktop-opener.ts); the session that asked
// for the display owns it and closes it when the session ends.
import type { SessionDisplayInfo } from '@punktfunk/shared';
import type { OpenedDesktop } from '../desktop-source.js';

/** What a session asks of its display. */
export type SessionDisplayRequest =
  /** Stream the one desktop, scaled to the stream's size (the default). */
  | { mode: 'desktop' }
  /** A display of its own at exactly this mode; `label` names the session in logs and the display's name. */
  | { mode: 'virtual'; width: number; height: number; fps: number; label: string };

export const DESKTOP_DISPLAY: SessionDisplayRequest = { mode: 'desktop' };

export type VirtualDisplayBackendName = 'xvfb' | 'sway' | 'mutter';

export type VirtualDisplayErrorCode =
  /** The backend cannot make this mode (too large, odd, out of its range). */
  | 'MODE_UNSUPPORTED'
  /** The backend is not there (no Xvfb binary, no sway IPC, no Mutter API). */
  | 'BACKEND_UNAVAILABLE'
  /** The backend answered but creating the display failed. */
  | 'CREATE_FAILED';

export class VirtualDisplayError extends Error {
  constructor(
    readonly code: VirtualDisplayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VirtualDisplayError';
  }
}

/** One session's display, created at its mode. */
export interface VirtualDisplay {
  backend: VirtualDisplayBackendName;
  width: number;
  height: number;
  fps: number;
  /**
   * The display as a session opens it: capture spec (1:1, no scaling),
   * input target, closedByDesktop (the backend went away: Xvfb died, the
   * output was removed, the compositor quit) and close (removes the display).
   */
  desktop: OpenedDesktop;
  /** What an app needs to start on this display: DISPLAY, or WAYLAND_DISPLAY and XDG_RUNTIME_DIR. */
  appEnvironment: Record<string, string>;
  /** For /status and the session's settings. */
  info: SessionDisplayInfo;
}

export interface VirtualDisplayBackend {
  name: VirtualDisplayBackendName;
  /** Creates the display; throws a VirtualDisplayError with the reason. */
  create(request: Extract<SessionDisplayRequest, { mode: 'virtual' }>): Promise<VirtualDisplay>;
}
