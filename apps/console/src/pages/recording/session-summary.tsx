// The summary of each session of a recording, one row each (its colour, its
// frames, longest frame, 0.1 % low, stutter episodes and their rate, its
// average fps); a click picks the session for the whole page.
import type { SessionFrameStats, StatsSample } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import type { SessionPick } from '../../data/sessions.js';
import { fpsSummary } from '../../data/summary.js';
import { formatMode, formatNumber, formatUs } from '../../ui/format.js';
import type { SessionScope } from './session-scope.js';

export function SessionSummaryTable(props: {
  scope: SessionScope;
  /** The frame analysis per session (meta.sessions order); null without a frame timeline. */
  frames: readonly SessionFrameStats[] | null;
  samples: readonly StatsSample[];
  onPick: (pick: SessionPick) => void;
}) {
  const stats = (index: number) => props.frames?.[index] ?? null;
  const averageFps = (sessionId: string) =>
    fpsSummary(props.samples.filter((s) => s.sessionId === sessionId)).averageFps;
  return (
    <div class="table-wrap">
      <table class="table table-compact session-summary" data-testid="session-summary">
        <thead>
          <tr>
            <th>Session</th>
            <th>Mode</th>
            <th class="num">frames</th>
            <th class="num">longest frame</th>
            <th class="num">0.1 % low</th>
            <th class="num">episodes</th>
            <th class="num">episodes / min</th>
            <th class="num">fps average</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.scope.sessions}>
            {(s, i) => (
              <tr
                class="clickable"
                classList={{ picked: props.scope.index === i() }}
                data-testid="session-summary-row"
                data-session={s.sessionId}
                title="Show only this session"
                onClick={() => props.onPick(props.scope.index === i() ? 'all' : s.sessionId)}
              >
                <td>
                  <span class="session-dot" style={{ background: props.scope.colorOf(i()) }} />
                  {props.scope.label(i())}
                </td>
                <td>{formatMode(s.width, s.height, s.fps)}</td>
                <Show
                  when={stats(i())}
                  fallback={
                    <td class="num muted" colSpan={5}>
                      no frame timeline
                    </td>
                  }
                >
                  {(f) => (
                    <>
                      <td class="num" data-testid="ss-frames">
                        {f().frames.toLocaleString()}
                      </td>
                      <td class="num" data-testid="ss-max">
                        {formatUs(f().maxUs)}
                      </td>
                      <td class="num" data-testid="ss-low01">
                        {formatNumber(f().low01Fps, 1, 'fps')}
                      </td>
                      <td class="num" data-testid="ss-episodes">
                        {f().episodes}
                      </td>
                      <td class="num" data-testid="ss-episodes-per-min">
                        {formatNumber(f().episodesPerMinute, 2)}
                      </td>
                    </>
                  )}
                </Show>
                <td class="num">{formatNumber(averageFps(s.sessionId), 1)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
