// A session's effective settings (`SessionInfo.settings`) in words: the
// recording page lists them per session, Compare lines them up.
import type { SessionInfo } from '@punktfunk/shared';
import { formatKbps } from './format.js';

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
  {
    key: 'encoderBitrateKbps',
    label: 'encoder bitrate (the wire under the cap)',
    format: (v) => formatKbps(v),
  },
  { key: 'encoderPace', label: 'encoder pace' },
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
