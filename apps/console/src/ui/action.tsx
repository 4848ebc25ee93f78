// An operator's action (start, save, delete, download, pair…) and what went
// wrong with it: one helper instead of a try/catch and an error signal per button.
import { type Accessor, createSignal, Show } from 'solid-js';
import { errorText, Notice } from './controls.js';

export interface Action {
  /** The last failure, `what: message`; cleared when the action is tried again. */
  error: Accessor<string | null>;
  /** Runs `task`; a failure is kept as `what: message`. Resolves true when it succeeded. */
  run(what: string, task: () => Promise<unknown>): Promise<boolean>;
  /** Shows a failure found before anything was tried (a bad input). */
  fail(message: string): void;
}

export function createAction(): Action {
  const [error, setError] = createSignal<string | null>(null);
  return {
    error,
    fail: setError,
    run: async (what, task) => {
      setError(null);
      try {
        await task();
        return true;
      } catch (e) {
        setError(`${what}: ${errorText(e)}`);
        return false;
      }
    },
  };
}

/** The action's last failure as an error notice; nothing while there is none. */
export function ActionError(props: { action: Action }) {
  return (
    <Show when={props.action.error()}>
      <Notice kind="error">{props.action.error()}</Notice>
    </Show>
  );
}
