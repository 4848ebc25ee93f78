// Which picture a session streams: the X display (x11), a Wayland desktop
// through PipeWire (GNOME's own screen-cast API, the desktop portal, or a
// PipeWire node by id or name), a wlroots compositor's output through
// screencopy (sway, Hyprland), or the synthetic test pattern. Decided on the
// main thread when a session starts, so a display that comes up after the
// host (a game server's Xvfb) is picked up, and the reason for a fallback is
// logged where the operator looks.
import { probeX11Display, type X11DisplayProbe } from '@punktfunk/native';
import type { SessionDisplayInfo } from '@punktfunk/shared';
import type { DesktopConfig } from '../config/index.js';
import type { DesktopInputTarget } from './input-target.js';

export type CaptureSpec =
  | { source: 'synthetic' }
  | { source: 'x11'; display: string }
  /**
   * A PipeWire node: fd + nodeId from the portal, nodeId on the default
   * daemon (mutter), or nodeName. fixedSize / maxFps: the mode to ask the
   * node for (a Mutter virtual monitor is made at it); absent: any.
   */
  | {
      source: 'pipewire';
      fd?: number;
      nodeId?: number;
      nodeName?: string;
      fixedSize?: { width: number; height: number };
      maxFps?: number;
    }
  /** A wlroots output through screencopy: the compositor's socket (a name in runtimeDir, or a path); output unset: the first. */
  | { source: 'wlr'; display: string; runtimeDir: string; output?: string };

export interface ResolvedCapture {
  spec: CaptureSpec;
  /** For the log and the session's settings: "x11 :0 1920x1080 (MIT-SHM)" or "synthetic (why)". */
  description: string;
}

export type DesktopBackend = 'x11' | 'synthetic' | 'mutter' | 'portal' | 'pipewire' | 'wlr';

/** One session's desktop, opened at its start and closed at its end. */
export interface OpenedDesktop extends ResolvedCapture {
  backend: DesktopBackend;
  /** The captured screen's size; null when not known before the first frame. */
  size: { width: number; height: number } | null;
  /** Where the stream's mouse and keyboard go. */
  input: DesktopInputTarget;
  /** Resolves with the reason when the desktop ends the cast by itself (never for x11 or synthetic). */
  closedByDesktop: Promise<string>;
  /** Ends the desktop's side (the D-Bus session, the PipeWire fd; a virtual display is removed); safe to call twice. */
  close(): Promise<void>;
  /** What an app started for the session needs to show on this display (DISPLAY, WAYLAND_DISPLAY…); absent: the host's own environment. */
  appEnvironment?: Record<string, string>;
  /** For /status and the session's settings; absent: derived from backend, size and description. */
  displayInfo?: SessionDisplayInfo;
}

function describeX11(display: string, probe: X11DisplayProbe): string {
  return `x11 ${display} ${probe.width}x${probe.height} (${probe.shm ? 'MIT-SHM' : 'GetImage, no MIT-SHM'})`;
}

/**
 * x11 or synthetic only (the Wayland backends open asynchronously, see
 * desktop-opener.ts). auto: x11 when the display answers, else synthetic
 * with the reason. x11: the display even when it does not answer now (the
 * operator asked for it; a test pattern would hide the problem): the session
 * then fails with the capture's own error. synthetic: always.
 */
export function resolveCapture(
  desktop: Pick<DesktopConfig, 'capture' | 'display'>,
  probe: (display: string) => X11DisplayProbe = probeX11Display,
): ResolvedCapture {
  return resolveX11Capture(desktop, probe).capture;
}

/** resolveCapture, plus the screen size the probe saw (null when it did not answer). */
export function resolveX11Capture(
  desktop: Pick<DesktopConfig, 'capture' | 'display'>,
  probe: (display: string) => X11DisplayProbe = probeX11Display,
): { capture: ResolvedCapture; size: { width: number; height: number } | null } {
  if (desktop.capture === 'synthetic') {
    return {
      capture: { spec: { source: 'synthetic' }, description: 'synthetic (PUNKTFUNK_CAPTURE=synthetic)' },
      size: null,
    };
  }
  if (desktop.display === null) {
    // loadDesktopConfig refuses x11 without a display, so this is auto.
    const description = 'synthetic (no X display configured: PUNKTFUNK_DISPLAY or DISPLAY)';
    return { capture: { spec: { source: 'synthetic' }, description }, size: null };
  }
  const result = probe(desktop.display);
  if (!result.reachable) {
    if (desktop.capture === 'x11') {
      const spec = { source: 'x11', display: desktop.display } as const;
      return { capture: { spec, description: `x11 (${result.reason})` }, size: null };
    }
    return {
      capture: { spec: { source: 'synthetic' }, description: `synthetic (${result.reason})` },
      size: null,
    };
  }
  return {
    capture: {
      spec: { source: 'x11', display: desktop.display },
      description: describeX11(desktop.display, result),
    },
    size: { width: result.width, height: result.height },
  };
}

/** Input for an X desktop or the pattern: the configured X display (also with the pattern, as before), else none. */
export function x11InputTarget(display: string | null): DesktopInputTarget {
  if (display === null)
    return { kind: 'none', reason: 'no X display is configured (PUNKTFUNK_DISPLAY or DISPLAY)' };
  return { kind: 'x11', display };
}

/** The x11 or synthetic capture as an OpenedDesktop: nothing to close. */
export function openX11OrSynthetic(desktop: DesktopConfig): OpenedDesktop {
  const { capture, size } = resolveX11Capture(desktop);
  return {
    ...capture,
    backend: capture.spec.source === 'x11' ? 'x11' : 'synthetic',
    size,
    input: x11InputTarget(desktop.display),
    closedByDesktop: new Promise<string>(() => {}),
    close: async () => {},
  };
}
