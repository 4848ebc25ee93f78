// The host's caps on what clients may ask it to stream: each session's mode
// and the pixel rate of all sessions together. Pixels per second are what
// capture, conversion, encoding and their buffers cost: one loopback client
// asking for 7680x4320@240 took the host to 1 GB. Both paths (GameStream's
// ANNOUNCE, punktfunk/1's hello) check a request here before anything starts.
import type { StreamCaps } from '../../config/index.js';

export interface StreamMode {
  width: number;
  height: number;
  fps: number;
}

export function pixelRate(mode: StreamMode): number {
  return mode.width * mode.height * mode.fps;
}

/**
 * Why the host will not stream `mode` now, or null when it will.
 * `runningPixelRate`: what the sessions already streaming cost.
 */
export function overStreamCaps(mode: StreamMode, caps: StreamCaps, runningPixelRate: number): string | null {
  const asked = `${mode.width}x${mode.height}@${mode.fps}`;
  if (mode.width > caps.maxWidthPx || mode.height > caps.maxHeightPx || mode.fps > caps.maxFps) {
    return `${asked} is over the host's cap of ${caps.maxWidthPx}x${caps.maxHeightPx}@${caps.maxFps}`;
  }
  const rate = pixelRate(mode);
  if (rate > caps.maxPixelRate) {
    return `${asked} is ${rate} pixels/s, over the host's cap of ${caps.maxPixelRate} per session`;
  }
  if (runningPixelRate + rate > caps.maxTotalPixelRate) {
    return (
      `${asked} (${rate} pixels/s) and the running sessions (${runningPixelRate}) are over ` +
      `the host's cap of ${caps.maxTotalPixelRate} pixels/s in all`
    );
  }
  return null;
}
