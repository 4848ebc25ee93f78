// What a virtual display may be asked for, checked before any backend is
// touched: a mode out of these is refused with MODE_UNSUPPORTED and nothing
// is created. Even sizes because the encoders take 4:2:0 pictures (an odd
// display would be captured with a column or row cut off, not 1:1).
import {
  type SessionDisplayRequest,
  type VirtualDisplayBackendName,
  VirtualDisplayError,
} from './virtual-display.js';

export type VirtualModeRequest = Extract<SessionDisplayRequest, { mode: 'virtual' }>;

export interface VirtualModeLimits {
  minSidePx: number;
  maxSidePx: number;
  maxFps: number;
}

// 8192: what the capture paths take (PipeWire offers up to 8192², the
// encoders' largest level); 64: anything smaller is not a screen.
export const VIRTUAL_MODE_LIMITS: VirtualModeLimits = { minSidePx: 64, maxSidePx: 8192, maxFps: 240 };

/** "1920x1080@60" */
export function modeText(request: Pick<VirtualModeRequest, 'width' | 'height' | 'fps'>): string {
  return `${request.width}x${request.height}@${request.fps}`;
}

/** Throws MODE_UNSUPPORTED naming the rule when `backend` cannot make the mode. */
export function checkVirtualMode(
  request: VirtualModeRequest,
  backend: VirtualDisplayBackendName,
  limits: VirtualModeLimits = VIRTUAL_MODE_LIMITS,
): void {
  const why = virtualModeRule(request, limits);
  if (why) {
    throw new VirtualDisplayError(
      'MODE_UNSUPPORTED',
      `${backend} cannot make a ${modeText(request)} display: ${why}`,
    );
  }
}

/**
 * The rule a mode breaks (no backend makes it), or null. GameStream's
 * /launch asks before anything starts, so Moonlight shows the reason
 * instead of a stream that fails once its display cannot be made.
 */
export function virtualModeRule(
  mode: Pick<VirtualModeRequest, 'width' | 'height' | 'fps'>,
  limits: VirtualModeLimits = VIRTUAL_MODE_LIMITS,
): string | null {
  const { width, height, fps } = mode;
  const { minSidePx, maxSidePx, maxFps } = limits;
  for (const [name, side] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(side) || side < minSidePx || side > maxSidePx) {
      return `the ${name} must be a whole number of pixels in ${minSidePx}..${maxSidePx}`;
    }
    if (side % 2 !== 0) return `the ${name} must be even (the stream is 4:2:0)`;
  }
  if (!Number.isInteger(fps) || fps < 1 || fps > maxFps) {
    return `the refresh must be a whole number of Hz in 1..${maxFps}`;
  }
  return null;
}
