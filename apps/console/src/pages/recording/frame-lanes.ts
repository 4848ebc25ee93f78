// One lane per session on the frame-time chart: its colour, its name, its
// path's stage names (the record's four stage slots in that path's order).
import { type CaptureMeta, GAMESTREAM_STAGES, NATIVE_STAGES } from '@punktfunk/shared';
import type { FrameLane } from '../../charts/frame-time-draw.js';
import { sessionColor } from '../../charts/palette.js';
import type { FrameTimeline } from '../../data/frames.js';
import { sessionLabels } from '../../data/sessions.js';

export interface SessionLane extends FrameLane {
  label: string;
  stageNames: readonly string[];
}

export function sessionLanes(meta: CaptureMeta, timeline: FrameTimeline): SessionLane[] {
  const labels = sessionLabels(meta.sessions);
  return timeline.sessionIndexes.map((index) => {
    const session = meta.sessions[index];
    const kind = session?.kind ?? meta.kind ?? 'native';
    return {
      sessionIndex: index,
      // By its index in meta.sessions: the same colour in every card of the page.
      color: sessionColor(index),
      label: labels[index] ?? `session ${index}`,
      stageNames: kind === 'gamestream' ? GAMESTREAM_STAGES : NATIVE_STAGES,
    };
  });
}
