// The stutter episodes the analysis found, by time: each row zooms every
// chart on the page to that moment and lists the events around it.
import type { StutterEpisode } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import { eventLook } from '../../charts/event-types.js';
import { formatSeconds, formatUs } from '../../ui/format.js';
import type { TimeView } from './time-view.js';

/** Rows shown; a broken session can have thousands of episodes (the summary counts them all). */
const MAX_ROWS = 500;

/** The view a stutter opens: a few seconds around it, wider for a long episode. */
const FOCUS_MIN_SPAN_S = 3;

function episodeWhat(e: StutterEpisode): string {
  const parts = [`worst frame ${formatUs(e.worstFrameTimeUs)}`];
  if (e.worstGapUs !== null) parts.push(`gap ${formatUs(e.worstGapUs)}`);
  if (e.dominantStage) parts.push(`mostly ${e.dominantStage} (${formatUs(e.dominantStageUs)})`);
  return parts.join(' · ');
}

/** Which session an episode is of: its name and colour; null with one session. */
export type EpisodeSession = { label: string; color: string } | null;

function StutterRow(props: { episode: StutterEpisode; session: EpisodeSession; view: TimeView }) {
  const e = () => props.episode;
  const focus = () => {
    const startS = e().startUs / 1e6;
    const endS = e().endUs / 1e6;
    props.view.focus((startS + endS) / 2, Math.max(FOCUS_MIN_SPAN_S, (endS - startS) * 6));
  };
  const active = () => {
    const r = props.view.range();
    return props.view.zoomed() && r.xMin <= e().startUs / 1e6 && r.xMax >= e().endUs / 1e6;
  };
  return (
    <tr
      class="stutter-row"
      classList={{ active: active() }}
      data-testid="stutter-row"
      data-session-index={e().sessionIndex}
      onClick={focus}
    >
      <td class="nowrap">
        <button type="button" class="link-button" onClick={focus} data-testid="stutter-zoom">
          {formatSeconds(Math.floor(e().startUs / 1e6))}.
          {String(Math.floor((e().startUs / 1e3) % 1000)).padStart(3, '0')}
        </button>
      </td>
      <td>
        {episodeWhat(e())}
        <Show when={e().keyframe}>
          <span class="tag tag-key">keyframe</span>
        </Show>
        <Show when={props.session}>
          {(session) => (
            <div class="muted small" data-testid="stutter-session">
              <span class="session-dot" style={{ background: session().color }} />
              {session().label}
            </div>
          )}
        </Show>
        <Show when={e().events.length}>
          <div class="stutter-events" data-testid="stutter-events">
            <For each={e().events.slice(0, 4)}>
              {(ev) => (
                <div>
                  <span style={{ color: eventLook(ev.type).color }}>{eventLook(ev.type).glyph}</span>{' '}
                  {ev.summary}
                </div>
              )}
            </For>
            <Show when={e().events.length + e().moreEvents > 4}>
              <div>and {e().events.length + e().moreEvents - 4} more</div>
            </Show>
          </div>
        </Show>
      </td>
      <td class="num">{e().records.length}</td>
    </tr>
  );
}

export function StutterList(props: {
  episodes: readonly StutterEpisode[];
  session: (sessionIndex: number) => EpisodeSession;
  view: TimeView;
}) {
  return (
    <Show
      when={props.episodes.length}
      fallback={
        <div class="empty" data-testid="stutters-none">
          No stutter: no frame took more than two frame times, and no gap between frames did.
        </div>
      }
    >
      <div class="stutter-list">
        <table class="table table-compact" data-testid="stutter-list">
          <thead>
            <tr>
              <th>at</th>
              <th>what</th>
              <th class="num">frames</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.episodes.slice(0, MAX_ROWS)}>
              {(episode) => (
                <StutterRow
                  episode={episode}
                  session={props.session(episode.sessionIndex)}
                  view={props.view}
                />
              )}
            </For>
          </tbody>
        </table>
        <Show when={props.episodes.length > MAX_ROWS}>
          <p class="footnote">
            The first {MAX_ROWS} of {props.episodes.length} episodes; zoom the frame-time chart to see the
            others.
          </p>
        </Show>
      </div>
    </Show>
  );
}
