// POST /stats/recordings/import: a recording exported by another host (its
// export.json, and its frames sidecar when it has a timeline), checked as
// strictly as the store checks its own files. Everything is checked before
// anything is written: a refusal stores nothing.
import {
  type Capture,
  FRAME_FIELD,
  FRAME_RECORD_BYTES,
  FramesFileError,
  parseFramesFile,
} from '@punktfunk/shared';
import type { Context } from 'hono';
import { z } from 'zod';
import { baseCaptureId, isValidCaptureId } from '../recorder/capture-id.js';
import { CAPTURE_FORMAT, captureFileSchema } from '../recorder/capture-schema.js';
import { MAX_CAPTURE_FILE_BYTES } from '../recorder/capture-store.js';
import { MAX_FRAMES_FILE_BYTES } from '../recorder/frames-file.js';
import { ApiError, clientWentAway } from './errors.js';
import { displayNameSchema, recordingNoteSchema } from './schemas.js';
import { describeIssue } from './validate.js';

export interface RecordingImport {
  capture: Capture;
  /** The sidecar's bytes, checked against the metadata; null without a timeline. */
  frames: Uint8Array | null;
  /** The id the new recording is saved under (the store appends -2, -3, … when taken). */
  baseId: string;
}

// Texts the console shows from an imported file: the same rules as a name set here.
const displayedTexts = z.object({
  name: displayNameSchema('meta.name').nullable(),
  note: recordingNoteSchema.nullable(),
  hostName: displayNameSchema('meta.hostName'),
  hostVersion: displayNameSchema('meta.hostVersion'),
});
// Date's range: a start outside it has no time stamp to name the file by.
const MAX_DATE_MS = 8.64e15;

const refuse = (status: 400 | 413 | 415 | 422, message: string) => new ApiError(status, message);

/** The two parts (`recording`, `frames`) of a multipart body, or the JSON body alone. */
async function readParts(c: Context): Promise<{ json: string; frames: Uint8Array | null }> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/json\b/i.test(type)) return { json: await c.req.text(), frames: null };
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw refuse(
      415,
      'send multipart/form-data (parts "recording" and optional "frames") or application/json',
    );
  }
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (error) {
    if (clientWentAway(c)) throw error;
    throw refuse(400, 'the body is not a valid multipart/form-data body');
  }
  const unknown = Object.keys(form).find((key) => key !== 'recording' && key !== 'frames');
  if (unknown !== undefined)
    throw refuse(400, `unknown part "${unknown}": send "recording" and "frames" only`);
  const recording = form.recording;
  const frames = form.frames;
  if (recording === undefined) throw refuse(400, 'the "recording" part (the exported JSON) is missing');
  if (Array.isArray(recording) || Array.isArray(frames)) throw refuse(400, 'send each part once');
  if (typeof recording !== 'string' && recording.size > MAX_CAPTURE_FILE_BYTES) {
    throw refuse(413, `the recording is larger than ${MAX_CAPTURE_FILE_BYTES} bytes`);
  }
  if (frames !== undefined && typeof frames !== 'string' && frames.size > MAX_FRAMES_FILE_BYTES) {
    throw refuse(413, `the frames sidecar is larger than ${MAX_FRAMES_FILE_BYTES} bytes`);
  }
  const json = typeof recording === 'string' ? recording : await recording.text();
  if (frames === undefined) return { json, frames: null };
  if (typeof frames === 'string') throw refuse(400, 'the "frames" part must be a file (the .frames.bin)');
  return { json, frames: new Uint8Array(await frames.arrayBuffer()) };
}

/** The capture file checked with the store's own schema, plus what the store never reads from a file. */
function parseCapture(json: string): Capture {
  if (Buffer.byteLength(json) > MAX_CAPTURE_FILE_BYTES) {
    throw refuse(413, `the recording is larger than ${MAX_CAPTURE_FILE_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    throw refuse(400, 'the recording is not valid JSON');
  }
  const format = (body as { format?: unknown } | null)?.format;
  if (format !== CAPTURE_FORMAT) {
    throw refuse(
      422,
      `the recording is not a ${CAPTURE_FORMAT} file (format: ${JSON.stringify(format ?? null)})`,
    );
  }
  const parsed = captureFileSchema.safeParse(body);
  if (!parsed.success)
    throw refuse(422, `the recording does not match the capture schema: ${describeIssue(parsed.error)}`);
  const { format: _format, ...capture } = parsed.data;
  const { meta } = capture;
  if (!isValidCaptureId(meta.id)) {
    throw refuse(422, 'meta.id is not a recording id: letters, digits, ".", "_" and "-" only, at most 128');
  }
  const texts = displayedTexts.safeParse(meta);
  if (!texts.success) throw refuse(422, describeIssue(texts.error));
  return capture;
}

/** The file name the import is saved under: from its start and size, like a local recording. */
function baseIdOf(capture: Capture): string {
  const { startedUnixMs, width, height } = capture.meta;
  if (!Number.isFinite(startedUnixMs) || Math.abs(startedUnixMs) > MAX_DATE_MS) {
    throw refuse(422, 'meta.startedUnixMs is not a time');
  }
  const pixels = (n: number | null) => n === null || (Number.isInteger(n) && n > 0 && n <= 65_535);
  if (!pixels(width) || !pixels(height)) throw refuse(422, 'meta.width/meta.height are not pixel sizes');
  return baseCaptureId(startedUnixMs, width, height);
}

/** The sidecar parsed and matched against the metadata: record count, truncation, session indexes. */
function checkFrames(capture: Capture, frames: Uint8Array | null): void {
  const { timeline, sessions } = capture.meta;
  if (timeline === null) {
    if (frames !== null)
      throw refuse(
        422,
        'a frames sidecar was sent, but the recording has no timeline (meta.timeline is null)',
      );
    return;
  }
  if (frames === null) {
    throw refuse(
      422,
      `the recording has a frame timeline (${timeline.frames} frames): send its .frames.bin as the "frames" part`,
    );
  }
  let parsed: ReturnType<typeof parseFramesFile>;
  try {
    parsed = parseFramesFile(frames);
  } catch (error) {
    if (error instanceof FramesFileError)
      throw refuse(422, `the frames sidecar is damaged: ${error.message}`);
    throw error;
  }
  const { header, records } = parsed;
  if (header.recordCount !== timeline.frames) {
    throw refuse(
      422,
      `the frames sidecar has ${header.recordCount} records where the recording says ${timeline.frames}`,
    );
  }
  for (let i = 0, at = 0; i < header.recordCount; i++, at += FRAME_RECORD_BYTES) {
    const sessionIndex = records.getUint16(at + FRAME_FIELD.sessionIndex, true);
    if (sessionIndex >= sessions.length) {
      throw refuse(
        422,
        `frame record ${i} names session ${sessionIndex}; the recording has ${sessions.length}`,
      );
    }
  }
}

/** The request's recording and sidecar, every check passed; ApiError (4xx) otherwise. */
export async function readRecordingImport(c: Context): Promise<RecordingImport> {
  const parts = await readParts(c);
  const capture = parseCapture(parts.json);
  const baseId = baseIdOf(capture);
  checkFrames(capture, parts.frames);
  return { capture, frames: parts.frames, baseId };
}
