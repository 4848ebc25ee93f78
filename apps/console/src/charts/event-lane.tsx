// The event lane: a mark per event on the shared time axis (same insets as
// the frame-time chart, so a mark sits above its frames). Events closer than
// a few pixels share one mark per type; its tooltip lists them.
import type { TimelineEvent } from '@punktfunk/shared';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { formatSeconds } from '../ui/format.js';
import { createCanvasSize } from './canvas-size.js';
import { eventLook } from './event-types.js';
import { PLOT_LEFT_PX, PLOT_RIGHT_PX, type TimeRangeS } from './time-axis-geometry.js';

const GROUP_PX = 6;
const LISTED_PER_MARK = 6;

interface Mark {
  leftPx: number;
  type: string;
  events: TimelineEvent[];
  /** The colour of the session the events belong to; null for host-wide ones or one session. */
  sessionColor: string | null;
}

/** A session's colour on the lane; null when the lane does not tell sessions apart. */
export type EventSessionColor = (sessionId: string | null) => string | null;

/** The plot's insets in the box: the frame-time chart's by default, a Chart.js chart's on the live view. */
export interface LaneInsets {
  leftPx: number;
  rightPx: number;
}

const FRAME_CHART_INSETS: LaneInsets = { leftPx: PLOT_LEFT_PX, rightPx: PLOT_RIGHT_PX };

function groupMarks(
  events: readonly TimelineEvent[],
  range: TimeRangeS,
  widthPx: number,
  insets: LaneInsets,
  sessionColor: EventSessionColor,
): Mark[] {
  const byKey = new Map<string, Mark>();
  const plotPx = Math.max(1, widthPx - insets.leftPx - insets.rightPx);
  const spanS = range.xMax - range.xMin || 1;
  for (const e of events) {
    const tS = e.tMs / 1000;
    if (tS < range.xMin || tS > range.xMax) continue;
    const x = insets.leftPx + ((tS - range.xMin) / spanS) * plotPx;
    // Sessions' events stay apart (each mark in its session's colour).
    const color = sessionColor(e.sessionId);
    const key = `${e.type}@${Math.round(x / GROUP_PX)}@${color}`;
    const mark = byKey.get(key);
    if (mark) mark.events.push(e);
    else byKey.set(key, { leftPx: x, type: e.type, events: [e], sessionColor: color });
  }
  return [...byKey.values()];
}

function MarkTooltip(props: { mark: Mark; widthPx: number }) {
  const shown = () => props.mark.events.slice(0, LISTED_PER_MARK);
  const flip = () => props.mark.leftPx > props.widthPx - 300;
  return (
    <div
      class="event-tooltip"
      data-testid="event-tooltip"
      style={
        flip() ? { right: `${props.widthPx - props.mark.leftPx}px` } : { left: `${props.mark.leftPx}px` }
      }
    >
      <For each={shown()}>
        {(e) => (
          <div>
            <span class="muted">{formatSeconds(e.tMs / 1000)}</span> {e.summary}
          </div>
        )}
      </For>
      <Show when={props.mark.events.length > LISTED_PER_MARK}>
        <div class="muted">and {props.mark.events.length - LISTED_PER_MARK} more</div>
      </Show>
    </div>
  );
}

export function EventLane(props: {
  events: readonly TimelineEvent[];
  range: TimeRangeS;
  insets?: LaneInsets;
  testId?: string;
  /** With several sessions: each event's session colour, drawn under its mark. */
  sessionColor?: EventSessionColor;
}) {
  let box!: HTMLDivElement;
  const size = createCanvasSize(() => box);
  const insets = () => props.insets ?? FRAME_CHART_INSETS;
  const marks = createMemo(() =>
    groupMarks(props.events, props.range, size.widthPx(), insets(), props.sessionColor ?? (() => null)),
  );
  const [hovered, setHovered] = createSignal<Mark | null>(null);
  return (
    <div class="event-lane" ref={box} data-testid={props.testId ?? 'event-lane'}>
      <span class="event-lane-label">events</span>
      <Show when={props.events.length === 0}>
        <span class="event-lane-empty muted small" style={{ left: `${insets().leftPx}px` }}>
          no events
        </span>
      </Show>
      <For each={marks()}>
        {(mark) => (
          <button
            type="button"
            class="event-mark"
            data-testid="event-mark"
            data-type={mark.type}
            data-session-color={mark.sessionColor ?? undefined}
            style={{
              left: `${mark.leftPx}px`,
              color: eventLook(mark.type).color,
              ...(mark.sessionColor ? { 'border-bottom': `2px solid ${mark.sessionColor}` } : {}),
            }}
            aria-label={mark.events[0]!.summary}
            onMouseEnter={() => setHovered(mark)}
            onMouseLeave={() => setHovered(null)}
            onFocus={() => setHovered(mark)}
            onBlur={() => setHovered(null)}
          >
            {eventLook(mark.type).glyph}
            <Show when={mark.events.length > 1}>
              <sub>{mark.events.length}</sub>
            </Show>
          </button>
        )}
      </For>
      <Show when={hovered()}>{(mark) => <MarkTooltip mark={mark()} widthPx={size.widthPx()} />}</Show>
    </div>
  );
}
