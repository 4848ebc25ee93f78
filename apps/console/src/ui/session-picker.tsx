// Shows one session or all of them: a button per session, in its colour.
import { For } from 'solid-js';
import type { SessionPick } from '../data/sessions.js';

export interface PickableSession {
  sessionId: string;
  label: string;
  color: string;
  /** A second line for the tooltip (mode, codec, display). */
  detail?: string;
}

export function SessionPicker(props: {
  sessions: readonly PickableSession[];
  value: SessionPick;
  onChange: (pick: SessionPick) => void;
  testId?: string;
}) {
  return (
    <fieldset
      class="segmented session-picker"
      aria-label="session"
      data-testid={props.testId ?? 'session-picker'}
    >
      <button
        type="button"
        classList={{ active: props.value === 'all' }}
        aria-pressed={props.value === 'all'}
        data-session="all"
        onClick={() => props.onChange('all')}
      >
        All sessions
      </button>
      <For each={props.sessions}>
        {(s) => (
          <button
            type="button"
            classList={{ active: props.value === s.sessionId }}
            aria-pressed={props.value === s.sessionId}
            data-session={s.sessionId}
            title={s.detail}
            onClick={() => props.onChange(s.sessionId)}
          >
            <span class="session-dot" style={{ background: s.color }} />
            {s.label}
          </button>
        )}
      </For>
    </fieldset>
  );
}
