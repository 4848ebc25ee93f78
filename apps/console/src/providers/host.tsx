// The console's session with the host: the token (this browser session only),
// the API client, and whether the host is reachable. A 401 anywhere signs out
// and brings the sign-in back; a host that goes away is polled until it
// returns, then everything reloads.
import { createContext, createSignal, type JSX, onCleanup, useContext } from 'solid-js';
import { ApiClient } from '../data/api.js';

const TOKEN_KEY = 'punktfunk.token';
const RETRY_MS = 2000;

export interface HostSession {
  api: ApiClient;
  token(): string | null;
  /** Why the sign-in is showing (a rejected token), if not simply signed out. */
  signInReason(): string | null;
  signIn(token: string): void;
  signOut(reason?: string): void;
  reachable(): boolean;
  /** Counts the host's returns after being unreachable; resources refetch on it. */
  reconnects(): number;
}

const HostContext = createContext<HostSession>();

/** A token in the address bar (#token=… from the link the host prints) is taken and removed. */
function tokenFromAddressBar(): string | null {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const token = hash.get('token');
  if (token === null) return null;
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
  return token.trim() || null;
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives in memory for this page only
  }
}

export function HostProvider(props: { children: JSX.Element }) {
  const linked = tokenFromAddressBar();
  if (linked) storeToken(linked);
  const [token, setToken] = createSignal<string | null>(linked ?? storedToken());
  const [reason, setReason] = createSignal<string | null>(null);
  const [reachable, setReachable] = createSignal(true);
  const [reconnects, setReconnects] = createSignal(0);
  let poll: ReturnType<typeof setInterval> | undefined;

  const signOut = (why?: string) => {
    storeToken(null);
    setReason(why ?? null);
    setToken(null);
  };

  const api: ApiClient = new ApiClient({
    token,
    onUnauthorized: () => {
      if (token()) signOut('The host did not accept the token. Sign in again.');
    },
    onUnreachable: () => {
      if (!reachable()) return;
      setReachable(false);
      clearInterval(poll);
      poll = setInterval(() => void api.health().catch(() => {}), RETRY_MS);
    },
    onReachable: () => {
      if (reachable()) return;
      clearInterval(poll);
      setReachable(true);
      setReconnects((n) => n + 1);
    },
  });
  // The sign-in link opened in a tab where the console is already loaded
  // changes only the fragment: no reload, so take the token from here too.
  const onHashChange = () => {
    const next = tokenFromAddressBar();
    if (next) session.signIn(next);
  };
  window.addEventListener('hashchange', onHashChange);
  onCleanup(() => {
    clearInterval(poll);
    window.removeEventListener('hashchange', onHashChange);
  });

  const session: HostSession = {
    api,
    token,
    signInReason: reason,
    signIn: (next) => {
      storeToken(next);
      setReason(null);
      setToken(next);
    },
    signOut,
    reachable,
    reconnects,
  };
  return <HostContext.Provider value={session}>{props.children}</HostContext.Provider>;
}

export function useHost(): HostSession {
  const session = useContext(HostContext);
  if (!session) throw new Error('useHost outside HostProvider');
  return session;
}
