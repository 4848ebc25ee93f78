// What the verdict reads of a session's samples: delivered fps, frames lost,
// packets lost against an estimate of the packets sent. Sums over the
// session's windows; null where no window measured the figure.
import type { SessionInfo, StatsSample } from './stats.js';

/**
 * A packet's size when the session's settings do not name one (shardBytes on
 * the native path, packetSize on GameStream): both paths' usual datagram.
 */
export const DEFAULT_PACKET_BYTES = 1_200;

export interface SessionSampleFigures {
  samples: number;
  windowMs: number;
  /** Frames measured in the windows. */
  frames: number;
  /** New and repeated frames per second, time-weighted over the windows; null without samples. */
  deliveredFps: number | null;
  /** Frames dropped by the host plus frames the client could not recover; null where neither was measured. */
  framesLost: number | null;
  packetsLost: number | null;
  /** Packets sent, estimated from the wire rate and the packet size; null without a wire rate. */
  packetsSentEstimate: number | null;
}

export function sessionSampleFigures(
  session: Pick<SessionInfo, 'sessionId' | 'settings'>,
  samples: readonly StatsSample[],
): SessionSampleFigures {
  const packetBytes = packetBytesOf(session.settings);
  const figures: SessionSampleFigures = {
    samples: 0,
    windowMs: 0,
    frames: 0,
    deliveredFps: null,
    framesLost: null,
    packetsLost: null,
    packetsSentEstimate: null,
  };
  let fpsWindowMs = 0;
  for (const sample of samples) {
    if (sample.sessionId !== session.sessionId) continue;
    figures.samples++;
    figures.windowMs += sample.windowMs;
    figures.frames += sample.measuredFrames;
    fpsWindowMs += (sample.fps + (sample.repeatFps ?? 0)) * sample.windowMs;
    figures.framesLost = addMeasured(figures.framesLost, sample.framesDropped);
    figures.framesLost = addMeasured(figures.framesLost, sample.unrecoverableFrames);
    figures.packetsLost = addMeasured(figures.packetsLost, sample.packetsLost);
    const sent =
      sample.wireMbps === null ? null : (sample.wireMbps * 1e6 * (sample.windowMs / 1000)) / 8 / packetBytes;
    figures.packetsSentEstimate = addMeasured(figures.packetsSentEstimate, sent);
  }
  if (figures.windowMs > 0) figures.deliveredFps = fpsWindowMs / figures.windowMs;
  return figures;
}

function addMeasured(total: number | null, value: number | null): number | null {
  if (value === null) return total;
  return (total ?? 0) + value;
}

function packetBytesOf(settings: SessionInfo['settings']): number {
  for (const key of ['shardBytes', 'packetSize', 'packetBytes']) {
    const value = settings[key];
    if (typeof value === 'number' && value > 0) return value;
  }
  return DEFAULT_PACKET_BYTES;
}
