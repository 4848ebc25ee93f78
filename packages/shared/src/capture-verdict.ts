// The verdict of a capture: healthy, degraded or failed per session, with
// the reasons in words, from the stutter analysis of the frame timeline
// (when the capture has one), the samples and the events. Thresholds and
// their reasoning: docs/stats-verdict.md.
import {
  analyzeFrames,
  type FrameAnalysis,
  type SessionFrameStats,
  type StutterEpisode,
} from './frame-analysis.js';
import { type SessionSampleFigures, sessionSampleFigures } from './session-figures.js';
import type { Capture, SessionInfo, StatsSample } from './stats.js';
import type {
  CaptureVerdict,
  FrameColumns,
  SessionVerdict,
  TimelineEvent,
  VerdictLevel,
} from './timeline.js';

export const VERDICT_THRESHOLDS = {
  /** Stutter episodes per minute of the session's timeline span. */
  degradedEpisodesPerMinute: 1,
  failedEpisodesPerMinute: 10,
  /** Fewer episodes fail nothing by their rate: one stall in a 10 s capture is already 6 per minute. */
  failedMinEpisodes: 3,
  /** Frames lost (dropped by the host or unrecoverable at the client) and packets lost, % of those due. */
  degradedLossPct: 1,
  failedLossPct: 5,
  /** Delivered fps (new + repeated frames) over the session's fps. */
  degradedFpsRatio: 0.9,
  failedFpsRatio: 0.5,
} as const;

/** Said in the capture's reasons when it has no frame timeline. */
export const NO_TIMELINE_REASON =
  'frame timeline not available: verdict from the samples only, no stutter analysis';
/** The capture's level when no session ran: nothing streamed, so nothing was healthy. */
export const NO_SESSION_REASON = 'no session ran during the capture';

export interface VerdictInput {
  /** meta.sessions: the analysis' session order. */
  sessions: readonly SessionInfo[];
  samples: readonly StatsSample[];
  events?: readonly TimelineEvent[];
  /** The stutter analysis of the capture's frame timeline; null or absent when it has none. */
  frames?: FrameAnalysis | null;
  /** Said in the capture's reasons instead of NO_TIMELINE_REASON (e.g. why the timeline could not be read). */
  noTimelineReason?: string;
}

const LEVEL_RANK: Record<VerdictLevel, number> = { healthy: 0, degraded: 1, failed: 2 };

interface Finding {
  level: VerdictLevel;
  reason: string;
}

export function captureVerdict(input: VerdictInput): CaptureVerdict {
  const events = input.events ?? [];
  const frames = input.frames ?? null;
  const sessions = input.sessions.map((session, index) => {
    const figures = sessionSampleFigures(session, input.samples);
    const mine = events.filter((e) => e.sessionId === session.sessionId);
    const episodes = frames?.episodes.filter((e) => e.sessionIndex === index) ?? [];
    return sessionVerdict(session, figures, frames?.sessions[index] ?? null, episodes, mine);
  });
  const failures = sessions.length === 0 ? [NO_SESSION_REASON] : [];
  const notes = frames === null ? [input.noTimelineReason ?? NO_TIMELINE_REASON] : [];
  const named = sessions.length > 1;
  return {
    level: failures.length > 0 ? 'failed' : worst(sessions.map((s) => s.level)),
    reasons: [
      ...failures,
      ...sessions.flatMap((s) => s.reasons.map((r) => (named ? `${s.sessionId}: ${r}` : r))),
      ...notes,
    ],
    sessions,
  };
}

/** Analyses the capture's timeline (when given) and judges it; what the recorder runs on stop. */
export function verdictOfCapture(capture: Capture, columns: FrameColumns | null): CaptureVerdict {
  const { meta, samples, events } = capture;
  const frames = columns === null ? null : analyzeFrames(columns, meta.sessions, events);
  return captureVerdict({ sessions: meta.sessions, samples, events, frames });
}

function sessionVerdict(
  session: SessionInfo,
  figures: SessionSampleFigures,
  frameStats: SessionFrameStats | null,
  episodes: readonly StutterEpisode[],
  events: readonly TimelineEvent[],
): SessionVerdict {
  const findings: Finding[] = [];
  if (figures.frames === 0 && (frameStats?.frames ?? 0) === 0) {
    findings.push({ level: 'failed', reason: 'no frames' });
  }
  if (frameStats) findings.push(...stutterFindings(frameStats, episodes));
  findings.push(...lossFindings(figures), ...fpsFindings(session, figures), ...eventFindings(events));
  const judged = findings.filter((f) => f.level !== 'healthy');
  judged.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
  return {
    sessionId: session.sessionId,
    level: worst(judged.map((f) => f.level)),
    reasons: judged.map((f) => f.reason),
  };
}

function stutterFindings(stats: SessionFrameStats, episodes: readonly StutterEpisode[]): Finding[] {
  const rate = stats.episodesPerMinute;
  if (stats.episodes === 0 || rate === null) return [];
  const t = VERDICT_THRESHOLDS;
  const level: VerdictLevel =
    rate >= t.failedEpisodesPerMinute && stats.episodes >= t.failedMinEpisodes
      ? 'failed'
      : rate >= t.degradedEpisodesPerMinute
        ? 'degraded'
        : 'healthy';
  const plural = stats.episodes === 1 ? 'episode' : 'episodes';
  const atKeyframes = stats.episodesAtKeyframes > 0 ? `, ${stats.episodesAtKeyframes} at keyframes` : '';
  const worst = worstStall(episodes);
  return [
    { level, reason: `${stats.episodes} stutter ${plural} (${rate.toFixed(1)}/min)${atKeyframes}${worst}` },
  ];
}

/** The longest slow frame (with the stage it spent most in), or without any, the longest delivery gap. */
function worstStall(episodes: readonly StutterEpisode[]): string {
  const slow = episodes.filter((e) => e.slowFrames > 0);
  if (slow.length > 0) {
    const worst = slow.reduce((w, e) => (e.worstFrameTimeUs > w.worstFrameTimeUs ? e : w));
    const stage = worst.dominantStage ? ` (${worst.dominantStage})` : '';
    return `; worst frame ${(worst.worstFrameTimeUs / 1000).toFixed(1)} ms${stage}`;
  }
  const gapUs = Math.max(...episodes.map((e) => e.worstGapUs ?? 0));
  return gapUs > 0 ? `; longest delivery gap ${(gapUs / 1000).toFixed(1)} ms` : '';
}

function lossLevel(pct: number): VerdictLevel {
  if (pct >= VERDICT_THRESHOLDS.failedLossPct) return 'failed';
  return pct >= VERDICT_THRESHOLDS.degradedLossPct ? 'degraded' : 'healthy';
}

function lossFindings(figures: SessionSampleFigures): Finding[] {
  const findings: Finding[] = [];
  const { framesLost, packetsLost, packetsSentEstimate } = figures;
  if (framesLost !== null && framesLost > 0) {
    const pct = (100 * framesLost) / (figures.frames + framesLost);
    findings.push({ level: lossLevel(pct), reason: `${formatPct(pct)} of frames lost (${framesLost})` });
  }
  if (packetsLost !== null && packetsLost > 0 && packetsSentEstimate !== null && packetsSentEstimate > 0) {
    const pct = (100 * packetsLost) / (packetsSentEstimate + packetsLost);
    findings.push({
      level: lossLevel(pct),
      reason: `${formatPct(pct)} of packets lost (${packetsLost} of about ${Math.round(packetsSentEstimate)})`,
    });
  }
  return findings;
}

function fpsFindings(session: SessionInfo, figures: SessionSampleFigures): Finding[] {
  if (figures.deliveredFps === null || figures.frames === 0 || !(session.fps > 0)) return [];
  const ratio = figures.deliveredFps / session.fps;
  const t = VERDICT_THRESHOLDS;
  const level: VerdictLevel =
    ratio < t.failedFpsRatio ? 'failed' : ratio < t.degradedFpsRatio ? 'degraded' : 'healthy';
  return [{ level, reason: `fps ${Math.round(figures.deliveredFps)} of ${session.fps}` }];
}

function eventFindings(events: readonly TimelineEvent[]): Finding[] {
  const findings: Finding[] = [];
  const displayLost = events.filter((e) => e.type === 'display-lost').length;
  if (displayLost > 0) findings.push({ level: 'degraded', reason: `display lost (${displayLost}×)` });
  for (const fallback of events.filter((e) => e.type === 'encoder-fallback').slice(0, 3)) {
    findings.push({ level: 'degraded', reason: fallback.summary });
  }
  return findings;
}

function worst(levels: readonly VerdictLevel[]): VerdictLevel {
  let level: VerdictLevel = 'healthy';
  for (const l of levels) if (LEVEL_RANK[l] > LEVEL_RANK[level]) level = l;
  return level;
}

function formatPct(pct: number): string {
  return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)} %`;
}
