// One recording: what it was, its verdict, its summary figures, and its time series.
import type { Capture } from '@punktfunk/shared';
import { createEffect, createSignal, Match, Show, Switch } from 'solid-js';
import { ApiError } from '../../data/api.js';
import { createRecording, settled } from '../../data/resources.js';
import { useHost } from '../../providers/host.js';
import { Link, useRouter } from '../../providers/router.js';
import { createAction } from '../../ui/action.js';
import { Confirm, errorText, Notice } from '../../ui/controls.js';
import { RecordingHeader } from './header.js';
import { RecordingTimeline } from './recording-timeline.js';
import { SessionSettingsCard } from './session-settings.js';
import { VerdictCard } from './verdict-card.js';

export const OPEN_MARK = 'punktfunk:open-recording';
export const DRAWN_MARK = 'punktfunk:charts-drawn';

function LoadError(props: { id: string; error: unknown }) {
  return (
    <Notice kind="error" testId="recording-error">
      {props.error instanceof ApiError && props.error.status === 404
        ? `There is no recording “${props.id}” (deleted?).`
        : `Could not load the recording: ${errorText(props.error)}`}
    </Notice>
  );
}

function LoadedRecording(props: {
  capture: Capture;
  onMeta: (capture: Capture) => void;
  onChanged: () => void;
}) {
  const host = useHost();
  const router = useRouter();
  const action = createAction();
  const [deleting, setDeleting] = createSignal(false);
  const id = () => props.capture.meta.id;
  const allDrawn = () => {
    performance.mark(DRAWN_MARK);
    document.body.dataset.chartsDrawn = id();
  };
  const remove = () =>
    action.run('Could not delete', async () => {
      await host.api.deleteRecording(id());
      props.onChanged();
      router.navigate('/');
    });
  return (
    <>
      <RecordingHeader
        meta={props.capture.meta}
        action={action}
        onDelete={() => setDeleting(true)}
        onSaved={(meta) => {
          props.onMeta({ ...props.capture, meta });
          props.onChanged();
        }}
      />
      <Show when={props.capture.meta.verdict}>
        {(verdict) => <VerdictCard verdict={verdict()} sessions={props.capture.meta.sessions} />}
      </Show>
      <RecordingTimeline capture={props.capture} onAllDrawn={allDrawn} />
      <SessionSettingsCard sessions={props.capture.meta.sessions} />
      <Show when={deleting()}>
        <Confirm
          title="Delete this recording?"
          confirmLabel="Delete"
          onCancel={() => setDeleting(false)}
          onConfirm={remove}
        >
          <p>
            <b>{props.capture.meta.name ?? id()}</b> will be removed from the host. This cannot be undone.
          </p>
        </Confirm>
      </Show>
    </>
  );
}

export function RecordingPage(props: { id: string; onChanged: () => void }) {
  performance.clearMarks(OPEN_MARK);
  performance.clearMarks(DRAWN_MARK);
  performance.mark(OPEN_MARK);
  const host = useHost();
  const { recording, mutate } = createRecording(host, () => props.id);
  createEffect(() => {
    const r = settled(recording);
    if (r) document.title = `${r.meta.name ?? r.meta.id} · punktfunk`;
  });
  return (
    <div class="page" data-testid="recording-page">
      <div class="crumbs">
        <Link href="/">← Performance</Link>
      </div>
      <Switch>
        <Match when={recording.error}>
          <LoadError id={props.id} error={recording.error} />
        </Match>
        <Match when={!settled(recording)}>
          <div class="empty">Loading the recording…</div>
        </Match>
        <Match when={settled(recording)}>
          {(capture) => <LoadedRecording capture={capture()} onMeta={mutate} onChanged={props.onChanged} />}
        </Match>
      </Switch>
    </div>
  );
}
