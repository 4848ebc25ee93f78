// A session's effective settings (`SessionInfo.settings`) in words: the
// recording page lists them per session, Compare lines them up.
import type { SessionInfo } from '@punktfunk/shared';
import { For, Show } from 'solid-js';
import { Card } from '../ui/controls.js';
import { formatDateTime, formatKbps, formatMode } from '../ui/format.js';

type SettingValue = SessionInfo['settings'][string];

/** Known keys in the order they read best; how each is labelled and shown. Others keep their key. */
const KNOWN_SETTINGS: { key: string; label: string; format?: (v: number) => string }[] = [
  { key: 'app', label: 'app' },
  { key: 'capture', label: 'capture source' },
  { key: 'audio', label: 'audio' },
  { key: 'fecPercent', label: 'FEC', format: (v) => `${v} % parity` },
  { key: 'minRequiredFecPackets', label: 'FEC minimum', format: (v) => `${v} parity packets` },
  { key: 'shardBytes', label: 'shard size', format: (v) => `${v} bytes` },
  { key: 'packetSize', label: 'packet size', format: (v) => `${v} bytes` },
  { key: 'clientBitrateKbps', label: 'bitrate the client asked for', format: (v) => formatKbps(v) },
  { key: 'encryption', label: 'encryption' },
  { key: 'videoEncryption', label: 'video encryption' },
  { key: 'audioEncryption', label: 'audio encryption' },
  { key: 'controlEncryption', label: 'control encryption' },
];
const KNOWN = new Map(KNOWN_SETTINGS.map((s, i) => [s.key, { ...s, order: i }]));

export function settingLabel(key: string): string {
  return KNOWN.get(key)?.label ?? key;
}

export function formatSetting(key: string, value: SettingValue | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const format = KNOWN.get(key)?.format;
  return typeof value === 'number' && format ? format(value) : String(value);
}

/** Known keys first in their reading order, then the others alphabetically. */
export function orderSettingKeys(keys: Iterable<string>): string[] {
  const rank = (k: string) => KNOWN.get(k)?.order ?? KNOWN_SETTINGS.length;
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function SessionBlock(props: { session: SessionInfo }) {
  const s = () => props.session;
  const keys = () => orderSettingKeys(Object.keys(s().settings));
  return (
    <div class="session-settings" data-testid="session-settings" data-session={s().sessionId}>
      <div class="session-settings-head">
        <span class="kind-plain">{s().kind}</span>
        <span>{formatMode(s().width, s().height, s().fps)}</span>
        <span>{s().codec}</span>
        <span>
          {s().encoderName} <span class="muted">({s().encoderBackend})</span>
        </span>
        <span>{formatKbps(s().bitrateKbps)}</span>
        <Show when={s().client}>
          <span>{s().client}</span>
        </Show>
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
        <For each={props.sessions}>{(session) => <SessionBlock session={session} />}</For>
      </Show>
    </Card>
  );
}
