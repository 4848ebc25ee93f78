// One lane per session on the frame-time chart: its colour, its name, its
// path's stage names (the record's four stage slots in that path's order).
import { type CaptureMeta, GAMESTREAM_STAGES, NATIVE_STAGES } from '@punktfunk/shared';
import type { FrameLane } from '../../charts/frame-time-draw.js';
import { SERIES_COLORS } from '../../charts/palette.js';
import type { FrameTimeline } from '../../data/frames.js';

export interface SessionLane extends FrameLane {
  label: string;
  stageNames: readonly string[];
}

export function sessionLanes(meta: CaptureMeta, timeline: FrameTimeline): SessionLane[] {
  return timeline.sessionIndexes.map((index, n) => {
    const session = meta.sessions[index];
    const kind = session?.kind ?? meta.kind ?? 'native';
    return {
      sessionIndex: index,
      color: SERIES_COLORS[n % SERIES_COLORS.length]!,
      label: session ? `${session.kind} · ${session.client ?? session.sessionId}` : `session ${index}`,
      stageNames: kind === 'gamestream' ? GAMESTREAM_STAGES : NATIVE_STAGES,
    };
  });
}
