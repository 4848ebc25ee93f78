// A recording's frame timeline as the API serves it: the sidecar's layout
// (header, then records) cut to a time range, or one CSV row per frame.
import {
  type CaptureMeta,
  decodeStageUs,
  encodeFramesHeader,
  FRAME_FIELD,
  FRAME_FLAG_KEYFRAME,
  FRAME_FLAG_REPEATED,
  FRAME_RECORD_BYTES,
  FRAME_STAGE_SLOTS,
  FRAMES_HEADER_BYTES,
  type FramesFileHeader,
  GAMESTREAM_STAGES,
  HOST_US_NOT_MEASURED,
  NATIVE_STAGES,
  type PathKind,
} from '@punktfunk/shared';
import { csvCell } from './capture-csv.js';
import { ApiError } from './errors.js';

/** A time range in µs since arming: records with fromUs <= captureStartUs < toUs. */
export interface FrameRange {
  fromUs: number;
  toUs: number;
}

function msParam(name: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  // Plain decimal ms only: no hex, exponents, Infinity or empty strings.
  if (!/^\d{1,12}(\.\d{1,3})?$/.test(raw)) {
    throw new ApiError(
      400,
      `${name} must be a number of ms since the capture was armed (e.g. 1500 or 1500.5)`,
    );
  }
  return Number(raw);
}

/** ?fromMs=&toMs= (both optional, ms since arming, fromMs < toMs); a clear 400 otherwise. */
export function parseFrameRange(query: { fromMs?: string; toMs?: string }): FrameRange {
  const fromMs = msParam('fromMs', query.fromMs);
  const toMs = msParam('toMs', query.toMs);
  if (fromMs !== null && toMs !== null && toMs <= fromMs) {
    throw new ApiError(400, `toMs (${toMs}) must be greater than fromMs (${fromMs})`);
  }
  return {
    fromUs: fromMs === null ? Number.NEGATIVE_INFINITY : fromMs * 1000,
    toUs: toMs === null ? Number.POSITIVE_INFINITY : toMs * 1000,
  };
}

function inRange(records: DataView, index: number, range: FrameRange): boolean {
  const startUs = records.getFloat64(index * FRAME_RECORD_BYTES + FRAME_FIELD.captureStartUs, true);
  return startUs >= range.fromUs && startUs < range.toUs;
}

/** The sidecar layout holding only the records in `range`; the header's recordCount says how many. */
export function framesInRange(
  header: FramesFileHeader,
  records: DataView,
  range: FrameRange,
): Uint8Array<ArrayBuffer> {
  const total = Math.floor(records.byteLength / FRAME_RECORD_BYTES);
  const runs = runsInRange(records, total, range);
  const count = runs.reduce((n, [first, end]) => n + end - first, 0);
  const out = new Uint8Array(FRAMES_HEADER_BYTES + count * FRAME_RECORD_BYTES);
  out.set(encodeFramesHeader({ ...header, recordCount: count }));
  const source = new Uint8Array(records.buffer, records.byteOffset, records.byteLength);
  let at = FRAMES_HEADER_BYTES;
  // Whole runs at a time: the whole timeline (no range) is one copy, not 648,000.
  for (const [first, end] of runs) {
    out.set(source.subarray(first * FRAME_RECORD_BYTES, end * FRAME_RECORD_BYTES), at);
    at += (end - first) * FRAME_RECORD_BYTES;
  }
  return out;
}

/** The records in `range` as [first, end) runs of consecutive records. */
function runsInRange(records: DataView, total: number, range: FrameRange): [number, number][] {
  const runs: [number, number][] = [];
  let first = -1;
  for (let i = 0; i < total; i++) {
    const inside = inRange(records, i, range);
    if (inside && first < 0) first = i;
    if (!inside && first >= 0) {
      runs.push([first, i]);
      first = -1;
    }
  }
  if (first >= 0) runs.push([first, total]);
  return runs;
}

const STAGES_OF: Record<PathKind, readonly string[]> = {
  native: NATIVE_STAGES,
  gamestream: GAMESTREAM_STAGES,
};
// Both paths' stages merged in critical-path order, as in the per-window CSV.
const STAGE_ORDER = ['capture', 'submit', 'encode', 'packetize', 'send'];

/**
 * One row per frame: t_ms (capture start, ms since arming), session, frame_index,
 * a <stage>_us column for every stage of the capture's sessions (empty where the
 * row's session has no such stage), host_us (empty: not measured),
 * encoded_bytes, keyframe and repeated (1/0).
 */
export function framesToCsv(meta: CaptureMeta, records: DataView, range: FrameRange): string {
  const kinds = new Set(meta.sessions.map((s) => s.kind));
  const stages = STAGE_ORDER.filter((name) => [...kinds].some((k) => STAGES_OF[k].includes(name)));
  // For each session: the column of each of its stage slots.
  const slotColumns = meta.sessions.map((s) => STAGES_OF[s.kind].map((name) => stages.indexOf(name)));
  const header = ['t_ms', 'session', 'frame_index', ...stages.map((n) => `${n}_us`)];
  header.push('host_us', 'encoded_bytes', 'keyframe', 'repeated');
  const rows = [header.join(',')];
  const total = Math.floor(records.byteLength / FRAME_RECORD_BYTES);
  const cells: string[] = new Array(stages.length);
  for (let i = 0; i < total; i++) {
    if (!inRange(records, i, range)) continue;
    const at = i * FRAME_RECORD_BYTES;
    const sessionIndex = records.getUint16(at + FRAME_FIELD.sessionIndex, true);
    const columns = slotColumns[sessionIndex] ?? [];
    cells.fill('');
    for (let slot = 0; slot < FRAME_STAGE_SLOTS; slot++) {
      const column = columns[slot];
      if (column === undefined || column < 0) continue;
      cells[column] = String(decodeStageUs(records.getUint16(at + FRAME_FIELD.stages + slot * 2, true)));
    }
    const hostUs = records.getUint32(at + FRAME_FIELD.hostUs, true);
    const flags = records.getUint16(at + FRAME_FIELD.flags, true);
    rows.push(
      [
        csvCell(Math.round(records.getFloat64(at + FRAME_FIELD.captureStartUs, true)) / 1000),
        csvCell(meta.sessions[sessionIndex]?.sessionId ?? null),
        records.getUint32(at + FRAME_FIELD.frameIndex, true),
        ...cells,
        hostUs === HOST_US_NOT_MEASURED ? '' : hostUs,
        records.getUint32(at + FRAME_FIELD.encodedBytes, true),
        flags & FRAME_FLAG_KEYFRAME ? 1 : 0,
        flags & FRAME_FLAG_REPEATED ? 1 : 0,
      ].join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}
