// A capture as CSV for spreadsheets: one row per sample, one column per
// figure, stages flattened to <stage>_p50_us / <stage>_p99_us. "Not
// measured" (null) is an empty cell, so it stays distinct from 0.
import type { Capture, StageName, StatsSample } from '@punktfunk/shared';

type ScalarKey = Exclude<keyof StatsSample, 'stages'>;

// Every scalar figure of StatsSample, in column order. The check below fails
// the type-check when StatsSample gains a figure this list lacks.
const SCALAR_COLUMNS = [
  'tMs',
  'sessionId',
  'kind',
  'windowMs',
  'measuredFrames',
  'hostP50Us',
  'hostP99Us',
  'fps',
  'repeatFps',
  'wireMbps',
  'bitrateKbps',
  'framesDropped',
  'sendRefused',
  'packetsLost',
  'fecRecovered',
  'fecUs',
  'sealUs',
  'socketUs',
  'rttUs',
  'idrRequests',
  'unrecoverableFrames',
  'clientDecodeP50Us',
  'e2eP50Us',
  'e2eP99Us',
  'workerCpuPct',
] as const satisfies readonly ScalarKey[];
const allScalarsListed: Exclude<ScalarKey, (typeof SCALAR_COLUMNS)[number]> extends never ? true : never =
  true;
void allScalarsListed;

// The identity columns come first, then the stages, then the other figures.
const LEADING_COLUMNS = 5;
// Both paths' stages merged in critical-path order (native: capture, submit,
// encode, send; GameStream: capture, encode, packetize, send).
const STAGE_ORDER: readonly string[] = [
  'capture',
  'submit',
  'encode',
  'packetize',
  'send',
] satisfies StageName[];

function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** One CSV cell: null is empty, text that a spreadsheet would run as a formula is defused, quotes doubled. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // A text cell starting with = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function stageNames(samples: readonly StatsSample[]): string[] {
  const seen = new Set<string>();
  for (const sample of samples) for (const stage of sample.stages) seen.add(stage.name);
  const known = STAGE_ORDER.filter((name) => seen.has(name));
  return [...known, ...[...seen].filter((name) => !STAGE_ORDER.includes(name))];
}

export function captureToCsv(capture: Capture): string {
  const stages = stageNames(capture.samples);
  const leading = SCALAR_COLUMNS.slice(0, LEADING_COLUMNS);
  const trailing = SCALAR_COLUMNS.slice(LEADING_COLUMNS);
  const header = [
    ...leading.map(snakeCase),
    ...stages.flatMap((name) => [`${name}_p50_us`, `${name}_p99_us`]),
    ...trailing.map(snakeCase),
  ];
  const rows = capture.samples.map((sample) => {
    const byName = new Map(sample.stages.map((stage) => [stage.name as string, stage]));
    return [
      ...leading.map((key) => csvCell(sample[key])),
      ...stages.flatMap((name) => [csvCell(byName.get(name)?.p50Us), csvCell(byName.get(name)?.p99Us)]),
      ...trailing.map((key) => csvCell(sample[key])),
    ].join(',');
  });
  // RFC 4180 line ends.
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
