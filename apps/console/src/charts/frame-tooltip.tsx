// What the frame under the cursor was: its frame time, the stage split in
// the session's stage names, host total, size, keyframe.
import { FRAME_FLAG_KEYFRAME, FRAME_FLAG_REPEATED, FRAME_STAGE_SLOTS } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import type { FrameTimeline } from '../data/frames.js';
import { formatMs, formatSeconds, formatUs } from '../ui/format.js';

export interface HoveredFrame {
  index: number;
  leftPx: number;
  topPx: number;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

export function FrameTooltip(props: {
  timeline: FrameTimeline;
  hovered: HoveredFrame;
  sessionLabel: (sessionIndex: number) => string;
  stageNames: (sessionIndex: number) => readonly string[];
}) {
  const i = () => props.hovered.index;
  const c = () => props.timeline.columns;
  const session = () => c().sessionIndex[i()]!;
  const flags = () => c().flags[i()]!;
  const stages = () =>
    props
      .stageNames(session())
      .slice(0, FRAME_STAGE_SLOTS)
      .map((name, s) => ({ name, us: c().stagesUs[i() * FRAME_STAGE_SLOTS + s]! }));
  const t = () => props.timeline.tS[i()]!;
  return (
    <div
      class="frame-tooltip"
      data-testid="frame-tooltip"
      style={{ left: `${props.hovered.leftPx}px`, top: `${props.hovered.topPx}px` }}
    >
      <div class="frame-tooltip-head">
        frame {c().frameIndex[i()]} · {props.sessionLabel(session())}
      </div>
      <div class="muted small">
        t = {formatSeconds(Math.floor(t()))}.{String(Math.round((t() % 1) * 1000)).padStart(3, '0')}
      </div>
      <dl>
        <dt>frame time</dt>
        <dd data-testid="tooltip-frame-ms">{formatMs(props.timeline.frameMs[i()]!)}</dd>
        <For each={stages()}>
          {(stage) => (
            <>
              <dt>{stage.name}</dt>
              <dd>{formatUs(stage.us)}</dd>
            </>
          )}
        </For>
        <dt>host total</dt>
        <dd>{formatUs(c().hostUs[i()]!)}</dd>
        <dt>size</dt>
        <dd>{formatBytes(c().encodedBytes[i()]!)}</dd>
      </dl>
      <Show when={flags() & FRAME_FLAG_KEYFRAME}>
        <span class="tag tag-key">keyframe</span>
      </Show>
      <Show when={flags() & FRAME_FLAG_REPEATED}>
        <span class="tag">repeated</span>
      </Show>
    </div>
  );
}
