// The recording's sessions, each with its effective settings in words.
import type { SessionInfo } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import { sessionColor } from '../../charts/palette.js';
import { displayText } from '../../data/sessions.js';
import { Card } from '../../ui/controls.js';
import { formatDateTime, formatKbps, formatMode } from '../../ui/format.js';
import { formatSetting, orderSettingKeys, settingLabel } from '../../ui/settings.js';

function SessionBlock(props: { session: SessionInfo; color: string | null }) {
  const s = () => props.session;
  const keys = () => orderSettingKeys(Object.keys(s().settings));
  return (
    <div class="session-settings" data-testid="session-settings" data-session={s().sessionId}>
      <div class="session-settings-head">
        <span class="kind-plain">
          <Show when={props.color}>
            {(color) => <span class="session-dot" style={{ background: color() }} />}
          </Show>
          {s().kind}
        </span>
        <span>{formatMode(s().width, s().height, s().fps)}</span>
        <span>{s().codec}</span>
        <span>
          {s().encoderName} <span class="muted">({s().encoderBackend})</span>
        </span>
        <span>{formatKbps(s().bitrateKbps)}</span>
        <Show when={s().client}>
          <span>{s().client}</span>
        </Show>
        <span data-testid="session-settings-display" title={s().display?.backend}>
          {displayText(s())}
        </span>
        <span class="muted">
          session {s().sessionId} · from {formatDateTime(s().startedUnixMs)}
        </span>
      </div>
      <Show
        when={keys().length}
        fallback={<p class="muted small">This session reported no further settings.</p>}
      >
        <dl class="settings-list">
          <For each={keys()}>
            {(key) => (
              <div class="setting" data-key={key}>
                <dt title={key}>{settingLabel(key)}</dt>
                <dd>{formatSetting(key, s().settings[key])}</dd>
              </div>
            )}
          </For>
        </dl>
      </Show>
    </div>
  );
}

/** Every session the recording saw, with its settings. */
export function SessionSettingsCard(props: { sessions: readonly SessionInfo[] }) {
  return (
    <Card
      title={props.sessions.length > 1 ? `Sessions (${props.sessions.length})` : 'Session'}
      testId="sessions-card"
      subtitle="The stream’s effective settings, as the host reported them"
    >
      <Show
        when={props.sessions.length}
        fallback={<div class="empty">No session streamed while this recording was armed.</div>}
      >
        <For each={props.sessions}>
          {(session, i) => (
            <SessionBlock session={session} color={props.sessions.length > 1 ? sessionColor(i()) : null} />
          )}
        </For>
      </Show>
    </Card>
  );
}
