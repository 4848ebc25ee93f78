// Sign-in: paste the management token, or open the link the host printed.
import { createSignal, Show } from 'solid-js';
import { UnreachableError } from '../data/api.js';
import { useHost } from '../providers/host.js';
import { Notice } from '../ui/controls.js';

export function SignInPage() {
  const host = useHost();
  const [value, setValue] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const token = value().trim();
    if (!token) return setError('Paste the management token first.');
    setBusy(true);
    setError(null);
    try {
      if (await host.api.tokenAccepted(token)) host.signIn(token);
      else setError('The host did not accept that token.');
    } catch (err) {
      setError(
        err instanceof UnreachableError
          ? 'The host is not reachable. Is it running?'
          : `Could not check the token: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" data-testid="sign-in">
      <form class="sign-in-card" onSubmit={submit}>
        <div class="brand brand-large">
          <span class="brand-dot" />
          punktfunk
        </div>
        <h1>Sign in to the host console</h1>
        <Show when={host.signInReason()}>
          <Notice kind="warn" testId="sign-in-reason">
            {host.signInReason()}
          </Notice>
        </Show>
        <label for="token">Management token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="paste the token"
          value={value()}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <Show when={error()}>
          <Notice kind="error" testId="sign-in-error">
            {error()}
          </Notice>
        </Show>
        <button class="btn btn-primary btn-wide" type="submit" disabled={busy()}>
          {busy() ? 'Checking…' : 'Sign in'}
        </button>
        <p class="hint">
          The host prints a one-time sign-in link when it starts (<code>http://127.0.0.1:47990/#token=…</code>
          ). The token is in <code>~/.config/punktfunk/mgmt-token</code> or <code>PUNKTFUNK_MGMT_TOKEN</code>.
          It is kept for this browser tab only.
        </p>
      </form>
    </main>
  );
}
