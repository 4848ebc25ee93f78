// What finds a stutter: every frame on the timeline (a fixed-size binary
// record per frame), the event lane (keyframes, bitrate changes, loss bursts,
// client comings and goings, operator markers), host telemetry per window and
// a verdict per capture.
//
// The frame record is written by a streaming worker into a preallocated
// block (no allocation, no message per frame), the block goes to the main
// thread at the window boundary, and the recorder saves the records as the
// `<id>.frames.bin` sidecar (layout in docs/management-api.md). The same
// layout serves the API and the console, so nothing converts on the way.

/** Bytes per frame record, in a worker's block and in the sidecar. */
export const FRAME_RECORD_BYTES = 32;
/** Stage durations per record: both paths have four stages (stats.ts). */
export const FRAME_STAGE_SLOTS = 4;
/** 3 h at 60 fps: past it the capture's timeline is `truncated` and keeps its start. */
export const MAX_CAPTURE_FRAMES = 648_000;

/**
 * Byte offsets in a record (little-endian).
 * - captureStartUs f64: capture start, µs. In a worker's block on the engine's
 *   monotonic clock; in the sidecar and the API, µs since the capture was armed.
 * - frameIndex u32: the session's frame index (counts every frame run, measured or not).
 * - encodedBytes u32: the encoder's output for the frame (0 when it produced nothing).
 * - hostUs u32: capture start → last packet handed to the kernel; HOST_US_NOT_MEASURED when unknown.
 * - sessionIndex u16: index into the capture's meta.sessions (set by the recorder; 0 in a worker block).
 * - flags u16: FRAME_FLAG_*.
 * - stages 4 × u16: stage durations in the path's stage order, encodeStageUs.
 */
export const FRAME_FIELD = {
  captureStartUs: 0,
  frameIndex: 8,
  encodedBytes: 12,
  hostUs: 16,
  sessionIndex: 20,
  flags: 22,
  stages: 24,
} as const;

export const FRAME_FLAG_KEYFRAME = 1;
export const FRAME_FLAG_REPEATED = 2;
/** A stage lasted longer than STAGE_US_MAX: its value is clipped there (the host total is not). */
export const FRAME_FLAG_STAGE_CLIPPED = 4;
export const HOST_US_NOT_MEASURED = 0xffff_ffff;

// Stage µs in 16 bits: exact below 32,768 µs (every frame budget down to
// 30 fps), then in 32 µs steps up to about 1.08 s. A 40 ms stall keeps a
// precision of 0.1 %, and a record stays 32 bytes (20 MB for 3 h at 60 fps).
const STAGE_EXACT_LIMIT = 32_768;
const STAGE_COARSE_STEP_US = 32;
/** The longest stage duration a record holds (1,081,312 µs). */
export const STAGE_US_MAX = STAGE_EXACT_LIMIT + (0xffff - STAGE_EXACT_LIMIT) * STAGE_COARSE_STEP_US;

/** A stage duration (µs, ≥ 0) as its 16-bit code; values over STAGE_US_MAX clip to it. */
export function encodeStageUs(us: number): number {
  const whole = Math.max(0, Math.round(us));
  if (whole < STAGE_EXACT_LIMIT) return whole;
  if (whole >= STAGE_US_MAX) return 0xffff;
  return STAGE_EXACT_LIMIT + Math.round((whole - STAGE_EXACT_LIMIT) / STAGE_COARSE_STEP_US);
}

export function decodeStageUs(code: number): number {
  return code < STAGE_EXACT_LIMIT
    ? code
    : STAGE_EXACT_LIMIT + (code - STAGE_EXACT_LIMIT) * STAGE_COARSE_STEP_US;
}

/** One frame as plain figures (tests, CSV, tooltips); bulk readers use the columns of FrameColumns. */
export interface FrameRecord {
  captureStartUs: number;
  frameIndex: number;
  encodedBytes: number;
  hostUs: number | null;
  sessionIndex: number;
  keyframe: boolean;
  repeated: boolean;
  stageClipped: boolean;
  /** FRAME_STAGE_SLOTS durations in µs, the path's stage order. */
  stagesUs: number[];
}

/** What a record holds of a frame itself; a streaming worker's per-frame result has these fields. */
export interface FrameFields {
  captureStartUs: number;
  encodedBytes: number;
  hostUs: number | null;
  keyframe: boolean;
  repeated: boolean;
  stagesUs: readonly number[];
}

/**
 * The one writer of the record layout: `frame` as record number `index` of
 * `view`. The worker calls it once per frame with its pipeline's result (no
 * object made for it), tests and fixtures through writeFrameRecord.
 */
export function writeFrameFields(
  view: DataView,
  index: number,
  frameIndex: number,
  sessionIndex: number,
  frame: FrameFields,
): void {
  const at = index * FRAME_RECORD_BYTES;
  view.setFloat64(at + FRAME_FIELD.captureStartUs, frame.captureStartUs, true);
  view.setUint32(at + FRAME_FIELD.frameIndex, frameIndex >>> 0, true);
  view.setUint32(at + FRAME_FIELD.encodedBytes, Math.min(frame.encodedBytes, 0xffff_ffff) >>> 0, true);
  const hostUs = frame.hostUs;
  view.setUint32(
    at + FRAME_FIELD.hostUs,
    hostUs === null ? HOST_US_NOT_MEASURED : Math.min(Math.max(0, Math.round(hostUs)), 0xffff_fffe),
    true,
  );
  view.setUint16(at + FRAME_FIELD.sessionIndex, sessionIndex, true);
  let flags = (frame.keyframe ? FRAME_FLAG_KEYFRAME : 0) | (frame.repeated ? FRAME_FLAG_REPEATED : 0);
  const stages = frame.stagesUs;
  for (let slot = 0; slot < FRAME_STAGE_SLOTS; slot++) {
    const us = stages[slot] ?? 0;
    if (us > STAGE_US_MAX) flags |= FRAME_FLAG_STAGE_CLIPPED;
    view.setUint16(at + FRAME_FIELD.stages + slot * 2, encodeStageUs(us), true);
  }
  view.setUint16(at + FRAME_FIELD.flags, flags, true);
}

/** Writes `frame` as record number `index` of `view` (tests, fixtures). */
export function writeFrameRecord(view: DataView, index: number, frame: FrameRecord): void {
  writeFrameFields(view, index, frame.frameIndex, frame.sessionIndex, frame);
  if (!frame.stageClipped) return;
  const at = index * FRAME_RECORD_BYTES + FRAME_FIELD.flags;
  view.setUint16(at, view.getUint16(at, true) | FRAME_FLAG_STAGE_CLIPPED, true);
}

export function readFrameRecord(view: DataView, index: number): FrameRecord {
  const at = index * FRAME_RECORD_BYTES;
  const hostUs = view.getUint32(at + FRAME_FIELD.hostUs, true);
  const flags = view.getUint16(at + FRAME_FIELD.flags, true);
  const stagesUs: number[] = [];
  for (let slot = 0; slot < FRAME_STAGE_SLOTS; slot++) {
    stagesUs.push(decodeStageUs(view.getUint16(at + FRAME_FIELD.stages + slot * 2, true)));
  }
  return {
    captureStartUs: view.getFloat64(at + FRAME_FIELD.captureStartUs, true),
    frameIndex: view.getUint32(at + FRAME_FIELD.frameIndex, true),
    encodedBytes: view.getUint32(at + FRAME_FIELD.encodedBytes, true),
    hostUs: hostUs === HOST_US_NOT_MEASURED ? null : hostUs,
    sessionIndex: view.getUint16(at + FRAME_FIELD.sessionIndex, true),
    keyframe: (flags & FRAME_FLAG_KEYFRAME) !== 0,
    repeated: (flags & FRAME_FLAG_REPEATED) !== 0,
    stageClipped: (flags & FRAME_FLAG_STAGE_CLIPPED) !== 0,
    stagesUs,
  };
}

// ---- the sidecar file: a 64-byte header, then the records ------------------
/** `PFFRAMES` */
export const FRAMES_FILE_MAGIC = 'PFFRAMES';
export const FRAMES_FILE_VERSION = 1;
export const FRAMES_HEADER_BYTES = 64;
/**
 * Header offsets (little-endian): magic 8 bytes ASCII, version u32, recordBytes
 * u32, recordCount u32, flags u32 (FRAMES_FILE_TRUNCATED), armedMonoUs f64 (the
 * engine clock at arming: a record's absolute time is armedMonoUs +
 * captureStartUs), stageSlots u32, then zeros to 64 bytes.
 */
export const FRAMES_HEADER_FIELD = {
  magic: 0,
  version: 8,
  recordBytes: 12,
  recordCount: 16,
  flags: 20,
  armedMonoUs: 24,
  stageSlots: 32,
} as const;
export const FRAMES_FILE_TRUNCATED = 1;

/** What a capture's metadata says of its sidecar; null in the metadata: the capture has no timeline (older file, or none saved). */
export interface TimelineInfo {
  frames: number;
  truncated: boolean;
}

// ---- the event lane ---------------------------------------------------------

export type TimelineEventType =
  | 'keyframe'
  | 'bitrate'
  | 'loss-burst'
  | 'rtt-spike'
  | 'client-connect'
  | 'client-disconnect'
  | 'client-resume'
  | 'capture-change'
  | 'display-lost'
  | 'encoder-fallback'
  | 'marker';

/** Why a keyframe was sent. */
export type KeyframeReason = 'start' | 'client-request' | 'loss-recovery' | 'encoder';

/** One event on the lane. */
export interface TimelineEvent {
  /** ms since the capture was armed (set by the recorder). */
  tMs: number;
  /** The session it belongs to; null for host-wide events (operator markers). */
  sessionId: string | null;
  type: TimelineEventType;
  /** One line for tooltips and lists, e.g. "keyframe (client request)", "bitrate 20000 → 12000 kb/s (client)". */
  summary: string;
  /** The figures behind it, e.g. {reason:'client-request', frameIndex: 812} or {fromKbps, toKbps, cause}. */
  details: Record<string, string | number | boolean | null>;
}

/** What a worker or the host hands the recorder: an event before it is stamped with tMs. */
export type PendingTimelineEvent = Omit<TimelineEvent, 'tMs'> & {
  /** When it happened, on the engine's monotonic clock (µs). */
  monoUs: number;
};

/** Events per capture; then `eventsTruncated` and the start is kept. */
export const MAX_CAPTURE_EVENTS = 20_000;

// ---- host telemetry ---------------------------------------------------------

/** The machine and the host process over one telemetry window; null where not measured. */
export interface HostTelemetrySample {
  /** ms since the capture was armed, at the window's end. */
  tMs: number;
  windowMs: number;
  /** The whole machine's CPU in % of one core (200 = two cores busy). */
  machineCpuPct: number | null;
  /** Cores the machine has (what machineCpuPct is out of, × 100). */
  cpuCores: number | null;
  /** The host process (all its threads, encoder threads included), % of one core. */
  processCpuPct: number | null;
  /** Runnable tasks at the window's end (/proc/stat procs_running) and the 1-minute load average. */
  runQueue: number | null;
  loadAvg1: number | null;
  memUsedMb: number | null;
  memTotalMb: number | null;
  processRssMb: number | null;
  /** NVIDIA GPU and encoder utilisation (NVML through nvidia-smi), % ; null without one. */
  gpuPct: number | null;
  gpuEncoderPct: number | null;
}

// ---- the verdict --------------------------------------------------------------

export type VerdictLevel = 'healthy' | 'degraded' | 'failed';

export interface SessionVerdict {
  sessionId: string;
  level: VerdictLevel;
  /** Why, e.g. "4 stutter episodes, 2 at keyframes", "6 % of frames lost"; empty when healthy. */
  reasons: string[];
}

/** Computed when a capture stops; the worst session's level is the capture's. */
export interface CaptureVerdict {
  level: VerdictLevel;
  reasons: string[];
  sessions: SessionVerdict[];
}

// ---- reading and writing the sidecar ------------------------------------------

export interface FramesFileHeader {
  recordCount: number;
  truncated: boolean;
  armedMonoUs: number;
}

export class FramesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramesFileError';
  }
}

/** The 64-byte header of a sidecar holding `recordCount` records. */
export function encodeFramesHeader(header: FramesFileHeader): Uint8Array {
  const bytes = new Uint8Array(FRAMES_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < FRAMES_FILE_MAGIC.length; i++) bytes[i] = FRAMES_FILE_MAGIC.charCodeAt(i);
  view.setUint32(FRAMES_HEADER_FIELD.version, FRAMES_FILE_VERSION, true);
  view.setUint32(FRAMES_HEADER_FIELD.recordBytes, FRAME_RECORD_BYTES, true);
  view.setUint32(FRAMES_HEADER_FIELD.recordCount, header.recordCount, true);
  view.setUint32(FRAMES_HEADER_FIELD.flags, header.truncated ? FRAMES_FILE_TRUNCATED : 0, true);
  view.setFloat64(FRAMES_HEADER_FIELD.armedMonoUs, header.armedMonoUs, true);
  view.setUint32(FRAMES_HEADER_FIELD.stageSlots, FRAME_STAGE_SLOTS, true);
  return bytes;
}

/**
 * Checks a whole sidecar (header and length) and returns its header and a
 * view of the records; throws FramesFileError naming what is wrong, so a
 * damaged or foreign file is refused rather than drawn as nonsense.
 */
export function parseFramesFile(bytes: Uint8Array): { header: FramesFileHeader; records: DataView } {
  if (bytes.byteLength < FRAMES_HEADER_BYTES) throw new FramesFileError('shorter than its 64-byte header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, FRAMES_FILE_MAGIC.length));
  if (magic !== FRAMES_FILE_MAGIC) throw new FramesFileError('not a punktfunk frame timeline (bad magic)');
  const version = view.getUint32(FRAMES_HEADER_FIELD.version, true);
  if (version !== FRAMES_FILE_VERSION)
    throw new FramesFileError(`unsupported frame timeline version ${version}`);
  const recordBytes = view.getUint32(FRAMES_HEADER_FIELD.recordBytes, true);
  const stageSlots = view.getUint32(FRAMES_HEADER_FIELD.stageSlots, true);
  if (recordBytes !== FRAME_RECORD_BYTES || stageSlots !== FRAME_STAGE_SLOTS) {
    throw new FramesFileError(`unexpected record layout (${recordBytes} bytes, ${stageSlots} stages)`);
  }
  const recordCount = view.getUint32(FRAMES_HEADER_FIELD.recordCount, true);
  const expected = FRAMES_HEADER_BYTES + recordCount * FRAME_RECORD_BYTES;
  if (bytes.byteLength !== expected) {
    throw new FramesFileError(`${bytes.byteLength} bytes where ${recordCount} records need ${expected}`);
  }
  const header = {
    recordCount,
    truncated: (view.getUint32(FRAMES_HEADER_FIELD.flags, true) & FRAMES_FILE_TRUNCATED) !== 0,
    armedMonoUs: view.getFloat64(FRAMES_HEADER_FIELD.armedMonoUs, true),
  };
  const records = new DataView(
    bytes.buffer,
    bytes.byteOffset + FRAMES_HEADER_BYTES,
    recordCount * FRAME_RECORD_BYTES,
  );
  return { header, records };
}

/**
 * A timeline as columns (one typed array per field), what charts and the
 * stutter analysis read: decoding 648,000 records into columns takes a few
 * ms, and nothing per frame is an object.
 */
export interface FrameColumns {
  count: number;
  /** µs since arming. */
  captureStartUs: Float64Array;
  frameIndex: Uint32Array;
  encodedBytes: Uint32Array;
  /** NaN where not measured. */
  hostUs: Float64Array;
  sessionIndex: Uint16Array;
  flags: Uint16Array;
  /** count × FRAME_STAGE_SLOTS, row-major: stage s of frame i at i * FRAME_STAGE_SLOTS + s. */
  stagesUs: Float32Array;
}

export function decodeFrameColumns(records: DataView): FrameColumns {
  const count = Math.floor(records.byteLength / FRAME_RECORD_BYTES);
  const columns: FrameColumns = {
    count,
    captureStartUs: new Float64Array(count),
    frameIndex: new Uint32Array(count),
    encodedBytes: new Uint32Array(count),
    hostUs: new Float64Array(count),
    sessionIndex: new Uint16Array(count),
    flags: new Uint16Array(count),
    stagesUs: new Float32Array(count * FRAME_STAGE_SLOTS),
  };
  for (let i = 0, at = 0; i < count; i++, at += FRAME_RECORD_BYTES) {
    columns.captureStartUs[i] = records.getFloat64(at + FRAME_FIELD.captureStartUs, true);
    columns.frameIndex[i] = records.getUint32(at + FRAME_FIELD.frameIndex, true);
    columns.encodedBytes[i] = records.getUint32(at + FRAME_FIELD.encodedBytes, true);
    const hostUs = records.getUint32(at + FRAME_FIELD.hostUs, true);
    columns.hostUs[i] = hostUs === HOST_US_NOT_MEASURED ? Number.NaN : hostUs;
    columns.sessionIndex[i] = records.getUint16(at + FRAME_FIELD.sessionIndex, true);
    columns.flags[i] = records.getUint16(at + FRAME_FIELD.flags, true);
    for (let s = 0; s < FRAME_STAGE_SLOTS; s++) {
      columns.stagesUs[i * FRAME_STAGE_SLOTS + s] = decodeStageUs(
        records.getUint16(at + FRAME_FIELD.stages + s * 2, true),
      );
    }
  }
  return columns;
}
