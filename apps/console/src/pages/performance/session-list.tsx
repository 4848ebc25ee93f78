// The sessions streaming now (from /status), one row each: who, which path,
// codec, mode, display, its newest live figures while a capture is armed,
// and End (after a confirmation; the host's refusal is shown in the row).
import type { SessionInfo, StatsSample } from '@punktfunk/shared';
import { createSignal, For, Show } from 'solid-js';
import { displayText, pathName, splitClient } from '../../data/sessions.js';
import { useHost } from '../../providers/host.js';
import { ActionError, createAction } from '../../ui/action.js';
import { Button, Card, Confirm } from '../../ui/controls.js';
import { formatMode, formatNumber, formatUs, formatWaited } from '../../ui/format.js';

function LiveFigures(props: { sample: StatsSample | undefined; armed: boolean }) {
  return (
    <Show
      when={props.sample}
      fallback={
        <span class="muted small" title="Workers measure only while a capture is armed">
          {props.armed ? 'waiting for its first sample…' : 'start a capture to see its figures'}
        </span>
      }
    >
      {(s) => (
        <span class="session-figures" data-testid="session-figures">
          <span title="new frames per second in its last window">{formatNumber(s().fps, 0)} fps</span>
          <span title="host time p50: capture start → last packet sent">host {formatUs(s().hostP50Us)}</span>
          <span title="everything sent on the wire">{formatNumber(s().wireMbps, 1, 'Mb/s')}</span>
        </span>
      )}
    </Show>
  );
}

function SessionRow(props: {
  session: SessionInfo;
  color: string;
  sample: StatsSample | undefined;
  armed: boolean;
  onEnd: (s: SessionInfo) => void;
}) {
  const s = () => props.session;
  return (
    <tr data-testid="session-row" data-id={s().sessionId}>
      <td>
        <span class="session-dot" style={{ background: props.color }} />
        <b title={s().client ?? undefined}>{s().client ? splitClient(s().client!).name : 'unknown client'}</b>
        <div class="muted small nowrap">
          {s().client && splitClient(s().client!).detail ? `${splitClient(s().client!).detail} · ` : ''}
          session {s().sessionId}
        </div>
      </td>
      <td>
        <span class="kind-plain">{pathName(s().kind)}</span>
      </td>
      <td data-testid="session-mode">{formatMode(s().width, s().height, s().fps)}</td>
      <td>
        {s().codec} <span class="muted small">{s().encoderName}</span>
      </td>
      <td class="session-display" data-testid="session-display" title={s().display?.backend}>
        {displayText(s())}
      </td>
      <td>
        <LiveFigures sample={props.sample} armed={props.armed} />
      </td>
      <td class="num muted">{formatWaited(Date.now() - s().startedUnixMs)}</td>
      <td class="num">
        <Button small kind="ghost-danger" testId="end-session" onClick={() => props.onEnd(s())}>
          End session
        </Button>
      </td>
    </tr>
  );
}

export function SessionList(props: {
  sessions: readonly SessionInfo[];
  colorOf: (sessionId: string) => string;
  latest: ReadonlyMap<string, StatsSample>;
  armed: boolean;
  /** A session was ended: the host's status is asked again. */
  onEnded: () => void;
}) {
  const host = useHost();
  const action = createAction();
  const [ending, setEnding] = createSignal<SessionInfo | null>(null);
  const end = async (s: SessionInfo) => {
    setEnding(null);
    const ok = await action.run(
      `The host did not end ${s.client ? splitClient(s.client).name : s.sessionId}`,
      () => host.api.endSession(s.sessionId),
    );
    if (ok) props.onEnded();
  };
  return (
    <Card
      title={`Sessions streaming (${props.sessions.length})`}
      testId="sessions"
      subtitle="Every client streaming now, on either path; its colour is its lane in the live charts"
    >
      <Show
        when={props.sessions.length}
        fallback={<div class="empty">No session is streaming. Samples arrive once a client connects.</div>}
      >
        <div class="table-wrap">
          <table class="table table-compact session-table">
            <thead>
              <tr>
                <th>Client</th>
                <th>Path</th>
                <th>Mode</th>
                <th>Codec</th>
                <th>Display</th>
                <th>Now</th>
                <th class="num">Streaming for</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={props.sessions}>
                {(s) => (
                  <SessionRow
                    session={s}
                    color={props.colorOf(s.sessionId)}
                    sample={props.latest.get(s.sessionId)}
                    armed={props.armed}
                    onEnd={setEnding}
                  />
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <div data-testid="end-session-error">
        <ActionError action={action} />
      </div>
      <Show when={ending()}>
        {(s) => <EndConfirm session={s()} onCancel={() => setEnding(null)} onConfirm={() => end(s())} />}
      </Show>
    </Card>
  );
}

function EndConfirm(props: { session: SessionInfo; onCancel: () => void; onConfirm: () => unknown }) {
  return (
    <Confirm
      title="End this session?"
      confirmLabel="End session"
      onCancel={props.onCancel}
      onConfirm={props.onConfirm}
    >
      <p>
        <b>{props.session.client ?? props.session.sessionId}</b> ({pathName(props.session.kind)},{' '}
        {formatMode(props.session.width, props.session.height, props.session.fps)}) stops streaming now.{' '}
        {props.session.kind === 'native'
          ? 'The client is told the stream ended.'
          : 'Its app is quit, as by the client’s own quit.'}{' '}
        The other sessions go on.
      </p>
    </Confirm>
  );
}
