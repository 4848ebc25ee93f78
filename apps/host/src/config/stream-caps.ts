// What clients may ask the host to stream, on both paths: each session's
// mode (size and rate) and the pixel rate of one session and of all sessions
// together. The ceilings are the encoder's own limits; the pixel-rate
// defaults leave room for a 4K desktop at 60 fps (or 1080p at 240) per
// session and two such sessions at once.
import { LIMITS } from '@punktfunk/native';
import { bounded, type Env } from './read-env.js';

export interface StreamCaps {
  maxWidthPx: number;
  maxHeightPx: number;
  maxFps: number;
  /** width x height x fps of one session. */
  maxPixelRate: number;
  /** The sum over every streaming session, GameStream and punktfunk/1. */
  maxTotalPixelRate: number;
  /** PUNKTFUNK_MAX_SESSIONS: how many sessions may run at once, GameStream launch records and punktfunk/1 streams together. */
  maxSessions: number;
}

/** What the streaming core's control block has room for (control-block.ts MAX_SESSIONS). */
export const MAX_SESSIONS_CEILING = 32;

const UHD_60_PIXEL_RATE = 3840 * 2160 * 60;

export function loadStreamCapsConfig(env: Env): StreamCaps {
  const maxWidthPx = bounded(
    env,
    'PUNKTFUNK_MAX_WIDTH',
    LIMITS.maxWidthPx,
    LIMITS.minSizePx,
    LIMITS.maxWidthPx,
  );
  const maxHeightPx = bounded(
    env,
    'PUNKTFUNK_MAX_HEIGHT',
    LIMITS.maxHeightPx,
    LIMITS.minSizePx,
    LIMITS.maxHeightPx,
  );
  const maxFps = bounded(env, 'PUNKTFUNK_MAX_FPS', LIMITS.maxFps, 1, LIMITS.maxFps);
  const largest = maxWidthPx * maxHeightPx * maxFps;
  const maxPixelRate = bounded(
    env,
    'PUNKTFUNK_MAX_PIXEL_RATE',
    Math.min(UHD_60_PIXEL_RATE, largest),
    1,
    largest,
  );
  const maxTotalPixelRate = bounded(
    env,
    'PUNKTFUNK_MAX_TOTAL_PIXEL_RATE',
    2 * maxPixelRate,
    maxPixelRate,
    Number.MAX_SAFE_INTEGER,
  );
  // Four: a household's clients; each costs a capture and an encoder, so the cap is the operator's.
  const maxSessions = bounded(env, 'PUNKTFUNK_MAX_SESSIONS', 4, 1, MAX_SESSIONS_CEILING);
  return { maxWidthPx, maxHeightPx, maxFps, maxPixelRate, maxTotalPixelRate, maxSessions };
}
