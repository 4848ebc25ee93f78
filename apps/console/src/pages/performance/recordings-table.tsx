// The saved recordings, newest first: view, download, delete, pick for compare.
import type { CaptureMeta } from '@punktfunk/shared';
import { createSignal, For, Show } from 'solid-js';
import { useHost } from '../providers/host.js';
import { Link, useRouter } from '../providers/router.js';
import { Button, Card, Confirm, errorText, Notice } from '../ui/controls.js';
import { formatDateTime, formatDuration, formatMode } from '../ui/format.js';

export function RecordingsTable(props: {
  list: () => CaptureMeta[] | undefined;
  loading: () => boolean;
  error: () => unknown;
  refetch: () => unknown;
}) {
  const host = useHost();
  const router = useRouter();
  const [picked, setPicked] = createSignal<string[]>([]);
  const [deleting, setDeleting] = createSignal<CaptureMeta | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const toggle = (id: string) =>
    setPicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  const run = async (what: string, action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(`${what}: ${errorText(e)}`);
    }
  };
  const confirmDelete = async () => {
    const meta = deleting();
    if (!meta) return;
    await run('Could not delete', async () => {
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
        <Button
          kind="primary"
          disabled={picked().length < 2}
          testId="compare-selected"
          onClick={() => router.navigate(`/compare?ids=${picked().map(encodeURIComponent).join(',')}`)}
        >
          Compare {picked().length >= 2 ? `(${picked().length})` : ''}
        </Button>
      }
    >
      <Show when={error()}>
        <Notice kind="error">{error()}</Notice>
      </Show>
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
            <thead>
              <tr>
                <th class="col-pick" />
                <th>Started</th>
                <th>Recording</th>
                <th>Path</th>
                <th>Mode</th>
                <th>Codec</th>
                <th>Encoder</th>
                <th class="num">Duration</th>
                <th class="num">Samples</th>
                <th class="col-actions" />
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(r) => (
                  <tr
                    data-testid="recording-row"
                    data-id={r.id}
                    classList={{ picked: picked().includes(r.id) }}
                  >
                    <td class="col-pick">
                      <input
                        type="checkbox"
                        aria-label={`pick ${r.id} for compare`}
                        checked={picked().includes(r.id)}
                        onChange={() => toggle(r.id)}
                      />
                    </td>
                    <td class="nowrap">{formatDateTime(r.startedUnixMs)}</td>
                    <td class="rec-name">
                      <Link href={`/recordings/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</Link>
                      <Show when={r.name || r.note}>
                        <div class="muted small truncate" title={r.note ?? ''}>
                          {r.note ?? r.id}
                        </div>
                      </Show>
                    </td>
                    <td>{r.kinds.length ? r.kinds.join(' + ') : '—'}</td>
                    <td class="nowrap">{formatMode(r.width, r.height, r.fps)}</td>
                    <td>{r.codec ?? '—'}</td>
                    <td class="truncate" title={r.encoderBackend ?? ''}>
                      {r.encoderName ?? '—'}
                    </td>
                    <td class="num">{formatDuration(r.durationMs)}</td>
                    <td class="num">
                      {r.sampleCount}
                      <Show when={r.truncated}>
                        <span
                          class="tag tag-warn"
                          title="the capture hit its 5400-sample limit; later samples were not kept"
                        >
                          truncated
                        </span>
                      </Show>
                    </td>
                    <td class="col-actions">
                      <Button
                        small
                        kind="ghost"
                        onClick={() => router.navigate(`/recordings/${encodeURIComponent(r.id)}`)}
                      >
                        View
                      </Button>
                      <Button
                        small
                        kind="ghost"
                        title="download JSON"
                        onClick={() => run('Download failed', () => host.api.download(r.id, 'json'))}
                      >
                        JSON
                      </Button>
                      <Button
                        small
                        kind="ghost"
                        title="download CSV"
                        onClick={() => run('Download failed', () => host.api.download(r.id, 'csv'))}
                      >
                        CSV
                      </Button>
                      <Button
                        small
                        kind="ghost-danger"
                        title="delete this recording"
                        testId="delete"
                        onClick={() => setDeleting(r)}
                      >
                        Delete
                      </Button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={deleting()}>
        {(meta) => (
          <Confirm
            title="Delete this recording?"
            confirmLabel="Delete"
            onConfirm={confirmDelete}
            onCancel={() => setDeleting(null)}
          >
            <p>
              <b>{meta().name ?? meta().id}</b> ({meta().sampleCount} samples,{' '}
              {formatDuration(meta().durationMs)}) will be removed from the host. This cannot be undone.
            </p>
          </Confirm>
        )}
      </Show>
    </Card>
  );
}
