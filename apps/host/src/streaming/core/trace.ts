// Synthetic frame traces: what CI replays through the real send path.
//
// Format: JSON lines. The first line is a header, every further line a frame
// (or, with "repeat": N, N identical frames, so hand-written traces stay short):
//   {"punktfunkTrace":1,"width":1280,"height":720,"fps":60,"codec":"h264","clientDropRate":0.03}
//   {"captureUs":900,"submitUs":4100,"encodeUs":40,"sendUs":180,"bytes":21000,"keyframe":false}
//   {"captureUs":900,"submitUs":4100,"encodeUs":40,"sendUs":180,"bytes":21000,"repeat":299}
// Optional per frame: "repeated": true (source saw no change), "targetBitrateKbps": N
// (the encoder target from this frame on).
import { readFileSync } from 'node:fs';

export interface TraceHeader {
  punktfunkTrace: 1;
  width: number;
  height: number;
  fps: number;
  codec: string;
  /** Client-side injected datagram loss when replayed (0..1). */
  clientDropRate?: number;
  note?: string;
}

export interface TraceFrame {
  captureUs: number;
  submitUs: number;
  encodeUs: number;
  sendUs: number;
  bytes: number;
  keyframe: boolean;
  repeated: boolean;
  targetBitrateKbps: number | null;
}

export interface Trace {
  header: TraceHeader;
  frames: TraceFrame[];
}

export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

/** Frames a trace may expand to: a typo in "repeat" must not eat all memory. */
const MAX_TRACE_FRAMES = 1_000_000;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export function parseTrace(text: string, source = 'trace'): Trace {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TraceError(`${source}: empty`);
  const header = parseHeader(parseJson(lines[0] as string, source, 1), source);
  const frames: TraceFrame[] = [];
  lines.slice(1).forEach((line, i) => {
    const lineNo = i + 2;
    const raw = parseJson(line, source, lineNo);
    const frame = parseFrame(raw, `${source}:${lineNo}`);
    const repeat =
      raw.repeat === undefined ? 1 : integerField(raw, 'repeat', `${source}:${lineNo}`, 1, MAX_TRACE_FRAMES);
    if (frames.length + repeat > MAX_TRACE_FRAMES)
      throw new TraceError(`${source}: more than ${MAX_TRACE_FRAMES} frames`);
    for (let r = 0; r < repeat; r++) frames.push(frame);
  });
  if (frames.length === 0) throw new TraceError(`${source}: no frames`);
  return { header, frames };
}

export function readTrace(path: string): Trace {
  return parseTrace(readFileSync(path, 'utf8'), path);
}

function parseJson(line: string, source: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TraceError(`${source}:${lineNo}: not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TraceError(`${source}:${lineNo}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function integerField(
  raw: Record<string, unknown>,
  key: string,
  where: string,
  min: number,
  max: number,
): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new TraceError(`${where}: ${key} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function parseHeader(raw: Record<string, unknown>, source: string): TraceHeader {
  const where = `${source}:1`;
  if (raw.punktfunkTrace !== 1)
    throw new TraceError(`${where}: not a punktfunk trace header (punktfunkTrace: 1)`);
  const dropRate = raw.clientDropRate ?? 0;
  if (typeof dropRate !== 'number' || dropRate < 0 || dropRate > 1) {
    throw new TraceError(`${where}: clientDropRate must be in 0..1`);
  }
  return {
    punktfunkTrace: 1,
    width: integerField(raw, 'width', where, 16, 7680),
    height: integerField(raw, 'height', where, 16, 4320),
    fps: integerField(raw, 'fps', where, 1, 240),
    codec: typeof raw.codec === 'string' ? raw.codec : 'h264',
    clientDropRate: dropRate,
    ...(typeof raw.note === 'string' ? { note: raw.note } : {}),
  };
}

function parseFrame(raw: Record<string, unknown>, where: string): TraceFrame {
  const us = (key: string) => integerField(raw, key, where, 0, 10_000_000);
  const target = raw.targetBitrateKbps;
  return {
    captureUs: us('captureUs'),
    submitUs: us('submitUs'),
    encodeUs: us('encodeUs'),
    sendUs: raw.sendUs === undefined ? 0 : us('sendUs'),
    bytes: integerField(raw, 'bytes', where, 1, MAX_FRAME_BYTES),
    keyframe: raw.keyframe === true,
    repeated: raw.repeated === true,
    targetBitrateKbps:
      target === undefined ? null : integerField(raw, 'targetBitrateKbps', where, 100, 1_000_000),
  };
}

/** Writes a trace of a live session: buffered, flushed at window boundaries (never per frame). */
export class TraceRecorder {
  private lines: string[] = [];

  constructor(
    private readonly write: (text: string) => void,
    header: TraceHeader,
  ) {
    this.write(`${JSON.stringify(header)}\n`);
  }

  add(frame: Omit<TraceFrame, 'targetBitrateKbps'> & { targetBitrateKbps?: number | null }): void {
    const { targetBitrateKbps, repeated, keyframe, ...costs } = frame;
    const record: Record<string, unknown> = { ...costs, keyframe };
    if (repeated) record.repeated = true;
    if (targetBitrateKbps) record.targetBitrateKbps = targetBitrateKbps;
    this.lines.push(JSON.stringify(record));
  }

  flush(): void {
    if (this.lines.length === 0) return;
    this.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }
}
