// The console shell: sign-in when there is no token, else the header, a
// banner while the host is unreachable, and the page for the address.
import type { HostStatusResponse } from '@punktfunk/shared';
import { createEffect, createMemo, Match, Show, Switch } from 'solid-js';
import {
  createHostStatus,
  createLiveCapture,
  createPairings,
  createRecordings,
  settled,
} from './data/resources.js';
import { ComparePage } from './pages/compare/page.js';
import { PairingPage } from './pages/pairing/page.js';
import { PerformancePage } from './pages/performance/page.js';
import { RecordingPage } from './pages/recording/page.js';
import { SignInPage } from './pages/sign-in.js';
import { HostProvider, useHost } from './providers/host.js';
import { Link, RouterProvider, useRouter } from './providers/router.js';
import { Notice } from './ui/controls.js';

function TopBar(props: { hostStatus: HostStatusResponse | undefined; armed: boolean; waitingCount: number }) {
  const host = useHost();
  const router = useRouter();
  const path = () => router.route().path;
  const waiting = () => props.waitingCount;
  return (
    <header class="topbar">
      <Link href="/" class="brand">
        <span class="brand-dot" />
        punktfunk
      </Link>
      <nav>
        <Link href="/" class={path() === '/' ? 'active' : ''}>
          Performance
        </Link>
        <Link href="/compare" class={path() === '/compare' ? 'active' : ''}>
          Compare
        </Link>
        <Link
          href="/pairing"
          class={path() === '/pairing' ? 'active' : ''}
          title={waiting() ? `${waiting()} pairing request(s) waiting for a PIN` : undefined}
        >
          Pairing
          <Show when={waiting()}>
            <span class="nav-count" data-testid="nav-pairing-count">
              {waiting()}
            </span>
          </Show>
        </Link>
      </nav>
      <div class="topbar-right">
        <Show when={props.armed}>
          <span class="badge badge-recording badge-small">
            <span class="badge-dot" />
            Recording
          </span>
        </Show>
        <span class="host-name" title={props.hostStatus?.uniqueId}>
          <span class={`conn-dot ${host.reachable() ? 'ok' : 'down'}`} />
          {props.hostStatus?.hostName ?? 'host'}
          <span class="muted"> {props.hostStatus?.hostVersion ?? ''}</span>
        </span>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => host.signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function UnreachableBanner() {
  return (
    <div class="banner" data-testid="unreachable">
      <Notice kind="error">
        <b>The host is not reachable.</b> It may be restarting or stopped. Retrying every 2 s; this page
        recovers by itself when the host is back. Nothing is lost: an armed capture is saved when the host
        stops.
      </Notice>
    </div>
  );
}

function SignedIn() {
  const host = useHost();
  const router = useRouter();
  const { status: hostStatus, refetch: refetchHostStatus } = createHostStatus(host);
  const { recordings, refetch } = createRecordings(host);
  const live = createLiveCapture(host, () => {
    void refetch();
    void refetchHostStatus();
  });
  createEffect(() => live.noteSessions(settled(hostStatus)?.sessions ?? []));
  // Followed on every page, so the header can say a client is waiting to pair.
  const pairings = createPairings(host);
  const path = () => router.route().path;
  const recordingId = createMemo(() => {
    const m = /^\/recordings\/([^/]+)\/?$/.exec(path());
    return m ? decodeURIComponent(m[1]!) : null;
  });
  return (
    <div class="shell">
      <TopBar
        hostStatus={settled(hostStatus)}
        armed={live.status()?.armed ?? false}
        waitingCount={pairings.waiting().length}
      />
      <Show when={!host.reachable()}>
        <UnreachableBanner />
      </Show>
      <main class="content">
        <Switch
          fallback={
            <Notice kind="warn">
              No page at {path()}. <Link href="/">Go to Performance</Link>
            </Notice>
          }
        >
          <Match when={path() === '/'}>
            <PerformancePage
              live={live}
              hostStatus={settled(hostStatus)}
              onSessionsChanged={() => void refetchHostStatus()}
              recordings={{
                list: () => settled(recordings)?.recordings,
                skipped: () => settled(recordings)?.skipped ?? [],
                loading: () => recordings.loading,
                error: () => recordings.error,
                refetch,
              }}
            />
          </Match>
          <Match when={recordingId()} keyed>
            {(id) => <RecordingPage id={id} onChanged={() => void refetch()} />}
          </Match>
          <Match when={path() === '/compare'}>
            <ComparePage recordings={settled(recordings)?.recordings} />
          </Match>
          <Match when={path() === '/pairing'}>
            <PairingPage pairings={pairings} hostStatus={settled(hostStatus)} />
          </Match>
        </Switch>
      </main>
    </div>
  );
}

function Gate() {
  const host = useHost();
  return (
    <Show when={host.token()} keyed fallback={<SignInPage />}>
      {(_token: string) => <SignedIn />}
    </Show>
  );
}

export function App() {
  return (
    <HostProvider>
      <RouterProvider>
        <Gate />
      </RouterProvider>
    </HostProvider>
  );
}
