// The stutters the analysis found (each zooms the page to it) beside the
// frame-time histogram.
import type { CaptureMeta } from '@punktfunk/shared';
import { createMemo } from 'solid-js';
import { FrameHistogram } from '../../charts/frame-histogram.js';
import { histogramBins } from '../../data/frame-histogram.js';
import type { FrameTimeline } from '../../data/frames.js';
import { Card } from '../../ui/controls.js';
import { StutterList } from './stutter-list.js';
import type { TimeView } from './time-view.js';

export function StuttersCard(props: { meta: CaptureMeta; timeline: FrameTimeline; view: TimeView }) {
  const bins = createMemo(() => histogramBins(props.timeline.analysis.sessions));
  const several = () => props.meta.sessions.length > 1;
  const sessionLabel = (index: number) => {
    if (!several()) return null;
    const s = props.meta.sessions[index];
    return s ? `${s.kind} · ${s.client ?? s.sessionId}` : `session ${index}`;
  };
  return (
    <div class="grid-2">
      <Card
        title={`Stutters (${props.timeline.analysis.episodes.length})`}
        testId="stutters-card"
        subtitle="Frames over two frame times, or gaps that long, grouped; click one to zoom every chart to it"
      >
        <StutterList
          episodes={props.timeline.analysis.episodes}
          sessionLabel={sessionLabel}
          view={props.view}
        />
      </Card>
      <Card
        title="Frame-time histogram"
        testId="histogram-card"
        subtitle="Frames per 0.5 ms of frame time, log scale; dashed: one and two frame times; red: over 1.5"
      >
        <FrameHistogram bins={bins()} budgetMs={props.meta.fps ? 1000 / props.meta.fps : null} />
      </Card>
    </div>
  );
}
