// The saved recordings, newest first: view, download, delete, pick for compare.
import { type CaptureMeta, MAX_CAPTURE_SAMPLES, type RecordingsListResponse } from '@punktfunk/shared';
import { createSignal, For, Show } from 'solid-js';
import { useHost } from '../../providers/host.js';
import { Link, useRouter } from '../../providers/router.js';
import { type Action, ActionError, createAction } from '../../ui/action.js';
import { Button, Card, Confirm, errorText, Notice } from '../../ui/controls.js';
import { formatDateTime, formatDuration, formatMode } from '../../ui/format.js';
import { VerdictBadge } from '../../ui/verdict-badge.js';

const recordingHref = (id: string) => `/recordings/${encodeURIComponent(id)}`;

function RowActions(props: { recording: CaptureMeta; action: Action; onDelete: () => void }) {
  const host = useHost();
  const router = useRouter();
  const download = (format: 'json' | 'csv') => () =>
    props.action.run('Download failed', () => host.api.download(props.recording.id, format));
  return (
    <td class="col-actions">
      <Button small kind="ghost" onClick={() => router.navigate(recordingHref(props.recording.id))}>
        View
      </Button>
      <Button small kind="ghost" title="download JSON" onClick={download('json')}>
        JSON
      </Button>
      <Button small kind="ghost" title="download CSV" onClick={download('csv')}>
        CSV
      </Button>
      <Button
        small
        kind="ghost-danger"
        title="delete this recording"
        testId="delete"
        onClick={props.onDelete}
      >
        Delete
      </Button>
    </td>
  );
}

function RecordingRow(props: {
  recording: CaptureMeta;
  picked: boolean;
  onPick: () => void;
  action: Action;
  onDelete: () => void;
}) {
  const r = () => props.recording;
  return (
    <tr data-testid="recording-row" data-id={r().id} classList={{ picked: props.picked }}>
      <td class="col-pick">
        <input
          type="checkbox"
          aria-label={`pick ${r().id} for compare`}
          checked={props.picked}
          onChange={props.onPick}
        />
      </td>
      <td class="nowrap">{formatDateTime(r().startedUnixMs)}</td>
      <td class="rec-name">
        <Link href={recordingHref(r().id)}>{r().name ?? r().id}</Link>
        <Show when={r().origin}>
          {(origin) => (
            <span
              class="tag"
              data-testid="recording-origin"
              title={`recorded on ${origin().hostName} ${origin().hostVersion} as ${origin().originalId}, imported ${formatDateTime(origin().importedUnixMs)}`}
            >
              from {origin().hostName}
            </span>
          )}
        </Show>
        <Show when={r().name || r().note}>
          <div class="muted small truncate" title={r().note ?? ''}>
            {r().note ?? r().id}
          </div>
        </Show>
      </td>
      <td>
        <VerdictBadge verdict={r().verdict ?? null} />
      </td>
      <td>{r().kinds.length ? r().kinds.join(' + ') : '—'}</td>
      <td class="nowrap">{formatMode(r().width, r().height, r().fps)}</td>
      <td>{r().codec ?? '—'}</td>
      <td class="truncate" title={r().encoderBackend ?? ''}>
        {r().encoderName ?? '—'}
      </td>
      <td class="num">{formatDuration(r().durationMs)}</td>
      <td class="num">
        {r().sampleCount}
        <Show when={r().truncated}>
          <span
            class="tag tag-warn"
            title={`the capture hit its ${MAX_CAPTURE_SAMPLES}-sample limit; later samples were not kept`}
          >
            truncated
          </span>
        </Show>
      </td>
      <RowActions recording={r()} action={props.action} onDelete={props.onDelete} />
    </tr>
  );
}

const COLUMNS = ['Started', 'Recording', 'Verdict', 'Path', 'Mode', 'Codec', 'Encoder'];

function TableHead() {
  return (
    <thead>
      <tr>
        <th class="col-pick" />
        <For each={COLUMNS}>{(name) => <th>{name}</th>}</For>
        <th class="num">Duration</th>
        <th class="num">Samples</th>
        <th class="col-actions" />
      </tr>
    </thead>
  );
}

/** A file picker for a recording another host exported (.json, and .frames.bin when it has a timeline). */
function ImportButton(props: { action: Action; onImported: () => unknown }) {
  const host = useHost();
  let input: HTMLInputElement | undefined;
  const picked = async () => {
    const files = [...(input?.files ?? [])];
    if (input) input.value = ''; // the same files can be picked again after a refusal
    if (!files.length) return;
    await props.action.run('Import refused', async () => {
      await host.api.importRecording(files);
      await props.onImported();
    });
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        accept=".json,.bin,application/json"
        hidden
        data-testid="import-files"
        onChange={picked}
      />
      <Button
        testId="import-recording"
        title="import a recording exported by another host: its .json, and its .frames.bin"
        onClick={() => input?.click()}
      >
        Import
      </Button>
    </>
  );
}

function CompareButton(props: { picked: readonly string[] }) {
  const router = useRouter();
  const count = () => props.picked.length;
  return (
    <Button
      kind="primary"
      disabled={count() < 2}
      testId="compare-selected"
      onClick={() => router.navigate(`/compare?ids=${props.picked.map(encodeURIComponent).join(',')}`)}
    >
      Compare {count() >= 2 ? `(${count()})` : ''}
    </Button>
  );
}

function DeleteConfirm(props: { meta: CaptureMeta; onConfirm: () => unknown; onCancel: () => void }) {
  return (
    <Confirm
      title="Delete this recording?"
      confirmLabel="Delete"
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>
        <b>{props.meta.name ?? props.meta.id}</b> ({props.meta.sampleCount} samples,{' '}
        {formatDuration(props.meta.durationMs)}) will be removed from the host. This cannot be undone.
      </p>
    </Confirm>
  );
}

/** Files in the captures directory the host does not list (a link, FIFO, a file too large or damaged). */
function SkippedFiles(props: { skipped: RecordingsListResponse['skipped'] }) {
  return (
    <Show when={props.skipped.length}>
      <Notice kind="warn" testId="recordings-skipped">
        Skipped in the host's captures directory:{' '}
        <For each={props.skipped}>
          {(s, index) => (
            <>
              {index() > 0 ? '; ' : ''}
              <code>{s.file}</code>: {s.reason}
            </>
          )}
        </For>
      </Notice>
    </Show>
  );
}

export function RecordingsTable(props: {
  list: () => CaptureMeta[] | undefined;
  skipped: () => RecordingsListResponse['skipped'];
  loading: () => boolean;
  error: () => unknown;
  refetch: () => unknown;
}) {
  const host = useHost();
  const action = createAction();
  const [picked, setPicked] = createSignal<string[]>([]);
  const [deleting, setDeleting] = createSignal<CaptureMeta | null>(null);
  const toggle = (id: string) =>
    setPicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  const confirmDelete = async (meta: CaptureMeta) => {
    await action.run('Could not delete', async () => {
      await host.api.deleteRecording(meta.id);
      setPicked((ids) => ids.filter((x) => x !== meta.id));
      await props.refetch();
    });
    setDeleting(null);
  };
  const rows = () => props.list() ?? [];
  return (
    <Card
      title="Recordings"
      testId="recordings-card"
      subtitle="Saved on the host. Tick two or more to compare them."
      actions={
        <>
          <ImportButton action={action} onImported={props.refetch} />
          <CompareButton picked={picked()} />
        </>
      }
    >
      <ActionError action={action} />
      <SkippedFiles skipped={props.skipped()} />
      <Show when={props.error() && !props.list()}>
        <Notice kind="error">Could not load the recordings: {errorText(props.error())}</Notice>
      </Show>
      <Show
        when={rows().length}
        fallback={
          <div class="empty" data-testid="recordings-empty">
            {props.loading() ? 'Loading…' : 'No recordings yet. Start a capture, play, then stop & save.'}
          </div>
        }
      >
        <div class="table-wrap">
          <table class="table" data-testid="recordings-table">
            <TableHead />
            <tbody>
              <For each={rows()}>
                {(r) => (
                  <RecordingRow
                    recording={r}
                    picked={picked().includes(r.id)}
                    onPick={() => toggle(r.id)}
                    action={action}
                    onDelete={() => setDeleting(r)}
                  />
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={deleting()}>
        {(meta) => (
          <DeleteConfirm
            meta={meta()}
            onConfirm={() => confirmDelete(meta())}
            onCancel={() => setDeleting(null)}
          />
        )}
      </Show>
    </Card>
  );
}
