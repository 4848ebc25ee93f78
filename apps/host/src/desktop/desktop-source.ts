// Which picture a session streams: the X display (x11) or the synthetic test
// pattern. Decided on the main thread when a session starts, so a display
// that comes up after the host (a game server's Xvfb) is picked up, and the
// reason for a fallback is logged where the operator looks.
import { probeX11Display, type X11DisplayProbe } from '@punktfunk/native';
import type { DesktopConfig } from '../config/index.js';

export type CaptureSpec = { source: 'synthetic' } | { source: 'x11'; display: string };

export interface ResolvedCapture {
  spec: CaptureSpec;
  /** For the log and the session's settings: "x11 :0 1920x1080 (MIT-SHM)" or "synthetic (why)". */
  description: string;
}

function describeX11(display: string, probe: X11DisplayProbe): string {
  return `x11 ${display} ${probe.width}x${probe.height} (${probe.shm ? 'MIT-SHM' : 'GetImage, no MIT-SHM'})`;
}

/**
 * auto: x11 when the display answers, else synthetic with the reason. x11:
 * the display even when it does not answer now (the operator asked for it; a
 * test pattern would hide the problem): the session then fails with the
 * capture's own error. synthetic: always.
 */
export function resolveCapture(
  desktop: DesktopConfig,
  probe: (display: string) => X11DisplayProbe = probeX11Display,
): ResolvedCapture {
  if (desktop.capture === 'synthetic') {
    return { spec: { source: 'synthetic' }, description: 'synthetic (PUNKTFUNK_CAPTURE=synthetic)' };
  }
  if (desktop.display === null) {
    // loadDesktopConfig refuses x11 without a display, so this is auto.
    return {
      spec: { source: 'synthetic' },
      description: 'synthetic (no X display configured: PUNKTFUNK_DISPLAY or DISPLAY)',
    };
  }
  const result = probe(desktop.display);
  if (!result.reachable) {
    if (desktop.capture === 'x11') {
      return { spec: { source: 'x11', display: desktop.display }, description: `x11 (${result.reason})` };
    }
    return { spec: { source: 'synthetic' }, description: `synthetic (${result.reason})` };
  }
  return {
    spec: { source: 'x11', display: desktop.display },
    description: describeX11(desktop.display, result),
  };
}
