// The stutters the analysis found (each zooms the page to it) beside the
// frame-time histogram, of the picked session or of all.
import type { CaptureMeta } from '@punktfunk/shared';
import { createMemo } from 'solid-js';
import { FrameHistogram } from '../../charts/frame-histogram.js';
import { histogramBins } from '../../data/frame-histogram.js';
import type { FrameTimeline } from '../../data/frames.js';
import { Card } from '../../ui/controls.js';
import type { SessionScope } from './session-scope.js';
import { StutterList } from './stutter-list.js';
import type { TimeView } from './time-view.js';

export function StuttersCard(props: {
  meta: CaptureMeta;
  timeline: FrameTimeline;
  view: TimeView;
  scope: SessionScope;
}) {
  const episodes = createMemo(() =>
    props.timeline.analysis.episodes.filter((e) => props.scope.shows(e.sessionIndex)),
  );
  const bins = createMemo(() =>
    histogramBins(props.timeline.analysis.sessions.filter((s) => props.scope.shows(s.sessionIndex))),
  );
  const session = (index: number) =>
    props.scope.several ? { label: props.scope.label(index), color: props.scope.colorOf(index) } : null;
  return (
    <div class="grid-2">
      <Card
        title={`Stutters (${episodes().length})`}
        testId="stutters-card"
        subtitle="Frames over two frame times, or gaps that long, grouped; click one to zoom every chart to it"
      >
        <StutterList episodes={episodes()} session={session} view={props.view} />
      </Card>
      <Card
        title="Frame-time histogram"
        testId="histogram-card"
        subtitle="Frames per 0.5 ms of frame time, log scale; dashed: one and two frame times; red: over 1.5"
      >
        <FrameHistogram bins={bins()} budgetMs={props.scope.fps ? 1000 / props.scope.fps : null} />
      </Card>
    </div>
  );
}
