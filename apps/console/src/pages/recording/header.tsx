// The head of a recording page: what it was (mode, encoder, client…), its
// name and note (editable), downloads and delete.
import { type CaptureMeta, MAX_CAPTURE_SAMPLES } from '@punktfunk/shared';
import { createSignal, type JSX, Show } from 'solid-js';
import { useHost } from '../../providers/host.js';
import { type Action, ActionError, createAction } from '../../ui/action.js';
import { Button, Card } from '../../ui/controls.js';
import { formatDateTime, formatDuration, formatKbps, formatMode } from '../../ui/format.js';
import { VerdictBadge } from '../../ui/verdict-badge.js';

function MetaLine(props: { meta: CaptureMeta }) {
  const m = () => props.meta;
  const bitrate = () => m().sessions[0]?.bitrateKbps ?? null;
  return (
    <div class="meta-line">
      <span>{formatDateTime(m().startedUnixMs)}</span>
      <span>{m().kinds.join(' + ') || 'no session'}</span>
      <span>{formatMode(m().width, m().height, m().fps)}</span>
      <span>{m().codec ?? '—'}</span>
      <span>
        {m().encoderName ?? '—'} <span class="muted">({m().encoderBackend ?? '—'})</span>
      </span>
      <span>{formatKbps(bitrate())}</span>
      <Show when={m().client}>
        <span>client {m().client}</span>
      </Show>
      <span>{formatDuration(m().durationMs)}</span>
      <span>{m().sampleCount} samples</span>
      <Show when={m().truncated}>
        <span class="tag tag-warn">truncated at {MAX_CAPTURE_SAMPLES} samples</span>
      </Show>
      <span class="muted">
        host {m().hostName} {m().hostVersion}
      </span>
    </div>
  );
}

function Annotate(props: { meta: CaptureMeta; onSaved: (meta: CaptureMeta) => void }) {
  const host = useHost();
  const [name, setName] = createSignal(props.meta.name ?? '');
  const [note, setNote] = createSignal(props.meta.note ?? '');
  const [saved, setSaved] = createSignal(false);
  const save = createAction();
  const dirty = () => name() !== (props.meta.name ?? '') || note() !== (props.meta.note ?? '');
  const onSave = async () => {
    const done = await save.run('Not saved', async () =>
      props.onSaved(await host.api.patchRecording(props.meta.id, { name: name(), note: note() })),
    );
    if (done) setSaved(true);
  };
  return (
    <div class="annotate">
      <label>
        Name
        <input
          data-testid="recording-name"
          value={name()}
          maxLength={200}
          placeholder="e.g. baseline 720p60"
          title={`Empty: the recording is shown as ${props.meta.id}`}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label class="grow">
        Note
        <textarea
          data-testid="recording-note"
          rows={2}
          value={note()}
          placeholder="e.g. wired, game X, after driver update"
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      <div class="annotate-actions">
        <Button kind="primary" onClick={onSave} disabled={!dirty()} testId="save-annotation">
          Save
        </Button>
        <span class="muted small">{save.error() ?? (saved() ? 'Saved.' : '')}</span>
      </div>
    </div>
  );
}

export function RecordingHeader(props: {
  meta: CaptureMeta;
  onSaved: (meta: CaptureMeta) => void;
  onDelete: () => void;
  /** Failures of the page's actions (download, delete). */
  action: Action;
}) {
  const host = useHost();
  const download = (format: 'json' | 'csv' | 'frames-csv') => () =>
    props.action.run('Download failed', () => host.api.download(props.meta.id, format));
  const title = (): JSX.Element => (
    <span class="title-with-badge">
      <span data-testid="recording-title">{props.meta.name ?? props.meta.id}</span>
      <Show when={props.meta.verdict}>{(verdict) => <VerdictBadge verdict={verdict()} />}</Show>
    </span>
  );
  return (
    <Card
      title={title()}
      subtitle={<MetaLine meta={props.meta} />}
      actions={
        <>
          <Button onClick={download('json')} testId="download-json">
            Download JSON
          </Button>
          <Button onClick={download('csv')} testId="download-csv">
            Download CSV
          </Button>
          <Show when={props.meta.timeline}>
            <Button onClick={download('frames-csv')} testId="download-frames-csv">
              Frames CSV
            </Button>
          </Show>
          <Button kind="ghost-danger" onClick={props.onDelete}>
            Delete
          </Button>
        </>
      }
    >
      <Annotate meta={props.meta} onSaved={props.onSaved} />
      <ActionError action={props.action} />
    </Card>
  );
}
