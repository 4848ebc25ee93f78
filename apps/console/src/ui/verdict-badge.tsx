// A capture's verdict as a coloured word; its reasons in the tooltip (the
// recordings list) or listed under it (the recording page).
import type { CaptureVerdict } from '@punktfunk/shared';
import { For, Show } from 'solid-js';

const VERDICT_WORDS = { healthy: 'healthy', degraded: 'degraded', failed: 'failed' } as const;

export function VerdictBadge(props: { verdict: CaptureVerdict | null }) {
  return (
    <Show
      when={props.verdict}
      fallback={
        <span
          class="verdict verdict-none"
          data-testid="verdict-badge"
          data-level="none"
          title="saved before verdicts existed"
        >
          —
        </span>
      }
    >
      {(v) => (
        <span
          class={`verdict verdict-${v().level}`}
          data-testid="verdict-badge"
          data-level={v().level}
          title={v().reasons.join('\n') || 'nothing out of the ordinary'}
        >
          {VERDICT_WORDS[v().level]}
        </span>
      )}
    </Show>
  );
}

/** The badge and every reason, per session when several ran. */
export function VerdictDetails(props: {
  verdict: CaptureVerdict;
  sessionLabel: (id: string) => string;
  /** The session's colour on the page; null or absent: none shown. */
  sessionColor?: (id: string) => string | null;
}) {
  const several = () => props.verdict.sessions.length > 1;
  return (
    <div class="verdict-details" data-testid="verdict-details">
      <VerdictBadge verdict={props.verdict} />
      <Show
        when={several()}
        fallback={
          <ul class="verdict-reasons">
            <For each={props.verdict.reasons}>{(r) => <li>{r}</li>}</For>
          </ul>
        }
      >
        <ul class="verdict-reasons">
          <For each={props.verdict.sessions}>
            {(s) => (
              <li>
                <Show when={props.sessionColor?.(s.sessionId)}>
                  {(color) => <span class="session-dot" style={{ background: color() }} />}
                </Show>
                <b>{props.sessionLabel(s.sessionId)}</b>: {s.level}
                {s.reasons.length ? ` — ${s.reasons.join('; ')}` : ''}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
