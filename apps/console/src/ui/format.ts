// Readable units: ms from 1 ms up, µs below; durations as h:mm:ss.

export function formatUs(us: number | null | undefined, digits = 2): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '—';
  const abs = Math.abs(us);
  if (abs >= 1000) return `${(us / 1000).toFixed(abs >= 100_000 ? 0 : abs >= 10_000 ? 1 : digits)} ms`;
  return `${us.toFixed(0)} µs`;
}

/** Axis ticks and tooltips hold ms values. */
export const formatMs = (ms: number | null | undefined, digits = 2): string =>
  ms === null || ms === undefined ? '—' : formatUs(ms * 1000, digits);

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return h ? `${h}:${mm}:${String(s).padStart(2, '0')}` : `${mm}:${String(s).padStart(2, '0')}`;
}

export function formatNumber(v: number | null | undefined, digits = 1, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)} %`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
export const formatDateTime = (unixMs: number): string => dateTime.format(new Date(unixMs));

export function formatMode(width: number | null, height: number | null, fps: number | null): string {
  if (!width || !height) return '—';
  return `${width}×${height}${fps ? `@${fps}` : ''}`;
}

export function formatKbps(kbps: number | null | undefined): string {
  if (kbps === null || kbps === undefined) return '—';
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(kbps % 1000 ? 1 : 0)} Mb/s` : `${kbps} kb/s`;
}

/** Seconds on the x axis: 0:42, 12:05, 1:02:03. */
export const formatSeconds = (s: number): string => formatDuration(s * 1000);

const timeOfDay = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
export const formatTime = (unixMs: number): string => timeOfDay.format(new Date(unixMs));

/** How long something has waited: "4 s", "2 min 05 s". The host's and the browser's clocks may differ a little. */
export function formatWaited(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} s`;
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
}
