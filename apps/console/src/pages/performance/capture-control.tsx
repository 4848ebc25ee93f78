// The capture card: arm and stop, what is recording now, and the desktop
// the streams show (the sessions themselves: session-list.tsx).
import {
  type CaptureMeta,
  type DesktopStatus,
  type HostStatusResponse,
  MAX_CAPTURE_SAMPLES,
  type SessionInfo,
} from '@punktfunk/shared';
import { createSignal, onCleanup, Show } from 'solid-js';
import type { LiveCapture } from '../../data/resources.js';
import { useHost } from '../../providers/host.js';
import { ActionError, createAction } from '../../ui/action.js';
import { Button, Card, Notice, Stat } from '../../ui/controls.js';
import { formatDuration } from '../../ui/format.js';
import { MarkerButton } from './marker-button.js';

function useNow(intervalMs: number) {
  const [now, setNow] = createSignal(performance.now());
  const timer = setInterval(() => setNow(performance.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

function CaptureFigures(props: { live: LiveCapture; sessions: readonly SessionInfo[] }) {
  const now = useNow(500);
  const status = () => props.live.status();
  const armed = () => status()?.armed ?? false;
  // The host's elapsed time, counted forward from when it was read.
  const elapsed = () => {
    const s = status();
    if (!s?.armed || s.elapsedMs === null) return null;
    return s.elapsedMs + (now() - props.live.statusAt());
  };
  const paths = () =>
    (status()?.kinds.length ? status()!.kinds.join(' + ') : null) ??
    (props.sessions.length ? [...new Set(props.sessions.map((s) => s.kind))].join(' + ') : 'none');
  return (
    <div class="capture-row">
      <div class={`badge ${armed() ? 'badge-recording' : 'badge-idle'}`} data-testid="capture-badge">
        <span class="badge-dot" />
        {armed() ? 'Recording' : 'Idle'}
      </div>
      <Stat
        label="Elapsed"
        value={armed() ? formatDuration(elapsed()) : '—'}
        testId="capture-elapsed"
        hint="on the host's clock"
      />
      <Stat label="Samples" value={String(status()?.sampleCount ?? 0)} testId="capture-samples" />
      <Stat label="Paths" value={paths()} />
      <Show when={status()?.truncated}>
        <Notice kind="warn">
          The capture is full ({MAX_CAPTURE_SAMPLES} samples); later samples are not kept.
        </Notice>
      </Show>
    </div>
  );
}

/** One line: what the streams show, where input goes, and a waiting portal dialog. */
function DesktopLine(props: { desktop: DesktopStatus | undefined }) {
  const text = () => {
    const d = props.desktop;
    if (!d) return null;
    const capture = d.description ?? `${d.configured}, opened when a session starts`;
    const input = d.inputInjector ? ` · input: ${d.inputInjector}` : '';
    return `capture: ${capture}${input}${d.waitingForApproval ? ' · waiting for approval at the desktop' : ''}`;
  };
  return (
    <Show when={text()}>
      <div class="muted" data-testid="desktop-line">
        {text()}
      </div>
    </Show>
  );
}

export function CaptureControl(props: {
  live: LiveCapture;
  hostStatus: HostStatusResponse | undefined;
  onSaved: (meta: CaptureMeta | null) => void;
}) {
  const host = useHost();
  const action = createAction();
  const armed = () => props.live.status()?.armed ?? false;
  const start = () =>
    action.run('Could not start the capture', async () =>
      props.live.setStatus(await host.api.startCapture()),
    );
  const stop = () =>
    action.run('Could not stop and save', async () => {
      const meta = await host.api.stopCapture();
      await props.live.refreshStatus();
      props.onSaved(meta);
    });
  const sessions = () => props.hostStatus?.sessions ?? [];
  return (
    <Card
      title="Capture"
      testId="capture-card"
      subtitle="Records per-stage timings of every streaming session while armed."
      actions={
        <Show
          when={armed()}
          fallback={
            <Button kind="primary" onClick={start} testId="start-capture">
              ● Start capture
            </Button>
          }
        >
          <MarkerButton action={action} />
          <Button kind="danger" onClick={stop} testId="stop-capture">
            ■ Stop &amp; save
          </Button>
        </Show>
      }
    >
      <CaptureFigures live={props.live} sessions={sessions()} />
      <DesktopLine desktop={props.hostStatus?.desktop} />
      <ActionError action={action} />
    </Card>
  );
}
