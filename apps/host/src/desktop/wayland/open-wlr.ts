// A wlroots compositor's output (sway, Hyprland) through its screencopy
// protocol: no portal, no dialog, no GPU. The worker's FrameCapture does the
// capturing; here, on the main thread, one short capture of a tiny frame
// learns which output that is and its size (for the log, the status and the
// session's settings), and answers auto's question whether the compositor
// offers screencopy at all. That costs one copy of the screen, a few ms.
import { FrameCapture } from '@punktfunk/native';
import type { DesktopConfig } from '../../config/index.js';
import type { OpenedDesktop } from '../desktop-source.js';
import { DesktopError } from './session-bus.js';

export interface WlrOutputProbe {
  /** The output screencopy captures, e.g. 'HEADLESS-1'. */
  outputName: string;
  width: number;
  height: number;
}

// A compositor that answers does so within a frame or two; this bounds a hung one.
const PROBE_TIMEOUT_MS = 1_500;
// The probe's frame is scaled down to this: only the source's size and name matter.
const PROBE_FRAME = { width: 64, height: 36 } as const;

/** The compositor's socket and runtime dir as the config has them; throws when WAYLAND_DISPLAY is not set. */
export function wlrSocket(desktop: DesktopConfig): { display: string; runtimeDir: string } {
  if (!desktop.waylandDisplay) {
    throw new DesktopError('WLR_UNAVAILABLE', 'wlr screencopy needs WAYLAND_DISPLAY');
  }
  return { display: desktop.waylandDisplay, runtimeDir: desktop.runtimeDir ?? '' };
}

/** One frame of `output` (unset: the first output); throws WLR_UNAVAILABLE with the engine's reason. */
function probeCapture(desktop: DesktopConfig, output: string | undefined): FrameCapture {
  try {
    return new FrameCapture({
      source: 'wlr',
      wlr: { ...wlrSocket(desktop), ...(output ? { output } : {}), timeoutMs: PROBE_TIMEOUT_MS },
      ...PROBE_FRAME,
      pixelFormat: 'yuv420p',
    });
  } catch (error) {
    if (error instanceof DesktopError) throw error;
    throw new DesktopError('WLR_UNAVAILABLE', (error as Error).message);
  }
}

/**
 * Captures one frame of `output` (unset: the first output) and closes again.
 * Throws WLR_UNAVAILABLE with the engine's reason: no compositor, one
 * without zwlr_screencopy_manager_v1 (GNOME, KDE), no such output (the
 * message lists those there are), no frame in time.
 */
export function probeWlrOutput(desktop: DesktopConfig, output = desktop.wlrOutput): WlrOutputProbe {
  const capture = probeCapture(desktop, output);
  try {
    // "wlr-screencopy HEADLESS-1 1280x720 BGRx (damage)"
    const [, name] = /^wlr-screencopy (\S+) /.exec(capture.captureMode) ?? [];
    return {
      // The engine always names the output; the fallback only keeps the type honest.
      outputName: name ?? output ?? '',
      width: capture.sourceWidth,
      height: capture.sourceHeight,
    };
  } finally {
    capture.close();
  }
}

/** Whether the compositor at WAYLAND_DISPLAY captures through screencopy; the reason when not. */
export function wlrScreencopyAnswers(
  desktop: DesktopConfig,
): { answers: true; probe: WlrOutputProbe } | { answers: false; reason: string } {
  try {
    return { answers: true, probe: probeWlrOutput(desktop) };
  } catch (error) {
    return { answers: false, reason: (error as Error).message };
  }
}

/**
 * The output as an OpenedDesktop: the worker captures it; input goes to the
 * same compositor's virtual pointer and keyboard. `known`: auto's probe,
 * not repeated. Throws with the reason when the output cannot be captured.
 */
export function openWlrDesktop(desktop: DesktopConfig, known?: WlrOutputProbe): OpenedDesktop {
  const socket = wlrSocket(desktop);
  const probe = known ?? probeWlrOutput(desktop);
  // The probed output stays the session's, even when another appears before the worker opens.
  return {
    spec: { source: 'wlr', ...socket, ...(probe.outputName ? { output: probe.outputName } : {}) },
    description: `wlr ${probe.outputName} ${probe.width}x${probe.height} (screencopy)`,
    backend: 'wlr',
    size: { width: probe.width, height: probe.height },
    input: { kind: 'wlr', waylandDisplay: socket.display, runtimeDir: socket.runtimeDir },
    closedByDesktop: new Promise<string>(() => {}),
    close: async () => {},
  };
}
