// Everything on the recording page's shared time axis: the frame-time card
// (with the event lane), the stutters, the summary, the per-window charts and
// the host load. One TimeView drives all of them.
import type { Capture } from '@punktfunk/shared';
import { createMemo, Show } from 'solid-js';
import { rangeOf } from '../../charts/axes.js';
import { frameFigures } from '../../data/frame-figures.js';
import { createFrameTimeline } from '../../data/resources.js';
import { timeline as sampleTimeline } from '../../data/series.js';
import { useHost } from '../../providers/host.js';
import { DrawGroup } from '../../ui/chart.js';
import { Notice } from '../../ui/controls.js';
import { RecordingCharts } from './charts.js';
import { FrameTimesCard } from './frame-times-card.js';
import { StuttersCard } from './stutters-card.js';
import { SummaryCard } from './summary-card.js';
import { createTimeView } from './time-view.js';

export function RecordingTimeline(props: { capture: Capture; onAllDrawn: () => void }) {
  const host = useHost();
  const meta = () => props.capture.meta;
  const frames = createFrameTimeline(host, () => props.capture);
  const rows = createMemo(() => sampleTimeline(props.capture.samples));
  const loaded = () => (frames.state === 'ready' ? frames() : undefined);
  const figures = createMemo(() => {
    const timeline = loaded();
    return timeline ? frameFigures(timeline.analysis.sessions) : null;
  });
  const full = createMemo(() => {
    const lastEventS = props.capture.events.reduce((m, e) => Math.max(m, e.tMs / 1000), 0);
    const endS = Math.max(rangeOf(rows()).xMax, meta().durationMs / 1000, loaded()?.endS ?? 0, lastEventS);
    return { xMin: 0, xMax: endS };
  });
  const view = createTimeView(full);
  return (
    <>
      <FrameTimesCard meta={meta()} timeline={frames} events={props.capture.events} view={view} />
      <Show when={loaded()}>
        {(timeline) => <StuttersCard meta={meta()} timeline={timeline()} view={view} />}
      </Show>
      <Show
        when={props.capture.samples.length}
        fallback={<Notice>This recording holds no samples: no session streamed while it was armed.</Notice>}
      >
        <SummaryCard capture={props.capture} frames={figures()} />
        <DrawGroup onAllDrawn={props.onAllDrawn}>
          <RecordingCharts capture={props.capture} rows={rows()} range={view.range()} />
        </DrawGroup>
      </Show>
    </>
  );
}
