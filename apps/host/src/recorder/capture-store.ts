// Captures on disk: one `<id>.json` per capture in a 0700 directory, and its
// frame timeline in `<id>.frames.bin` beside it (frames-file.ts). A file
// is written whole to a fresh `<id>.json.<random>.tmp`, flushed and renamed,
// so a crash never leaves half a capture and never touches another one.
//
// Only regular files are read: a symbolic link, FIFO, device or directory
// named `<id>.json` is never opened through (fs/private-files.ts), and is
// listed under `skipped` with the reason, as is a file over MAX_CAPTURE_FILE_BYTES.
//
// Layout: the first line is `{"format":…,"meta":{…},` and each sample is on a
// line of its own. The whole file is one JSON document, and list() reads only
// the first line of each file, so listing 1000 long captures stays cheap.

import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capture, CaptureMeta } from '@punktfunk/shared';
import {
  ensurePrivateDir,
  type FileLog,
  openRegularFile,
  PrivateFileError,
  readPrivateFile,
  removeStaleTempFiles,
  writePrivateFileAtomic,
} from '../fs/private-files.js';
import { isValidCaptureId } from './capture-id.js';
import { CAPTURE_FORMAT, captureFileSchema, captureHeadSchema } from './capture-schema.js';
import { FRAMES_FILE_SUFFIX, type FramesFile, readFramesFile, removeOrphanSidecars } from './frames-file.js';
import { RecorderError } from './recorder-error.js';

const FILE_SUFFIX = '.json';
// A 5400-sample capture (MAX_CAPTURE_SAMPLES) is about 4 MB; anything far
// larger is not ours, and reading it whole could exhaust memory. 64 MB leaves
// room for a capture pretty-printed by hand. Checked on the opened file
// before reading (README, Configuration, "Files in <config>").
export const MAX_CAPTURE_FILE_BYTES = 64 * 1024 * 1024;
// Metadata is a few KB even with many sessions; a first line longer than
// this means the file is not in our layout, and list() parses it whole.
const MAX_HEAD_BYTES = 1024 * 1024;
const HEAD_CHUNK_BYTES = 16 * 1024;
const FILE_END = ']}\n';
// Skipped files already logged are remembered (to log each once); a directory
// flooded with bad files is logged again after this many, never grows memory.
const MAX_SKIPS_REMEMBERED = 1000;
// Enough parallel reads to hide latency, few enough to stay far from the fd limit.
const LIST_CONCURRENCY = 32;

/** A `*.json` in the captures directory that is not listed, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface CaptureListing {
  recordings: CaptureMeta[];
  skipped: SkippedFile[];
}

export interface MetaPatch {
  name?: string | null;
  note?: string | null;
}

export function serializeCapture(capture: Capture): string {
  const head = JSON.stringify({ format: CAPTURE_FORMAT, meta: capture.meta });
  const lines = (items: readonly unknown[]) => items.map((item) => JSON.stringify(item)).join(',\n');
  return (
    `${head.slice(0, -1)},\n"samples":[\n${lines(capture.samples)}\n],\n` +
    `"events":[\n${lines(capture.events)}\n],\n"telemetry":[\n${lines(capture.telemetry)}${FILE_END}`
  );
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The first line of a file in our layout, or null when the file has another layout. */
async function readHeadLine(path: string): Promise<string | null> {
  const { file, size } = await openRegularFile(path, MAX_CAPTURE_FILE_BYTES);
  try {
    const tail = Buffer.alloc(FILE_END.length);
    await file.read(tail, 0, tail.length, Math.max(0, size - tail.length));
    // A file cut short (copied half, damaged disk) must not list as fine.
    if (tail.toString() !== FILE_END) return null;
    const chunks: Buffer[] = [];
    for (let pos = 0; pos < Math.min(size, MAX_HEAD_BYTES); pos += HEAD_CHUNK_BYTES) {
      const chunk = Buffer.alloc(HEAD_CHUNK_BYTES);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
      const newline = chunk.subarray(0, bytesRead).indexOf(10);
      chunks.push(chunk.subarray(0, newline >= 0 ? newline : bytesRead));
      if (newline >= 0) return Buffer.concat(chunks).toString('utf8');
      if (bytesRead < chunk.length) break;
    }
    return null;
  } finally {
    await file.close();
  }
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class CaptureStore {
  // Saves, edits and deletes run one at a time: id choice and read-modify-write stay consistent.
  private queue: Promise<unknown> = Promise.resolve();
  /** "<path>: <reason>" already logged: the console lists often, and a skipped file is said once. */
  private readonly skipsLogged = new Set<string>();

  private constructor(
    readonly dir: string,
    private readonly log: FileLog,
  ) {}

  static async open(dir: string, log: FileLog): Promise<CaptureStore> {
    await ensurePrivateDir(dir, log);
    const store = new CaptureStore(dir, log);
    // A crash between write and rename leaves a temp file; the capture it
    // held was never saved, and the id it reserved is free again.
    await removeStaleTempFiles(dir, FILE_SUFFIX);
    await removeStaleTempFiles(dir, FRAMES_FILE_SUFFIX);
    await removeOrphanSidecars(dir, FILE_SUFFIX);
    return store;
  }

  /** `<dir>/<id>.json`, only for an id that cannot name anything else. */
  pathOf(id: string): string {
    if (!isValidCaptureId(id)) throw new RecorderError('INVALID_ID', 'invalid recording id');
    return join(this.dir, `${id}${FILE_SUFFIX}`);
  }

  /** `<dir>/<id>.frames.bin`, the capture's frame timeline. */
  framesPathOf(id: string): string {
    if (!isValidCaptureId(id)) throw new RecorderError('INVALID_ID', 'invalid recording id');
    return join(this.dir, `${id}${FRAMES_FILE_SUFFIX}`);
  }

  /**
   * Saves under `baseId`, or `baseId-2`, `-3`, … if taken; returns the
   * metadata with the id used. The frame timeline (`frames`, the whole
   * sidecar) is saved first: a JSON on disk never names a sidecar not yet
   * written, and a crash in between leaves an orphan removed at the next open.
   */
  saveNew(baseId: string, capture: Capture, frames: Uint8Array | null = null): Promise<CaptureMeta> {
    return this.serial(async () => {
      let id = baseId;
      for (let n = 2; await this.exists(id); n++) id = `${baseId}-${n}`;
      const meta = { ...capture.meta, id };
      if (frames) await writePrivateFileAtomic(this.framesPathOf(id), frames);
      await writePrivateFileAtomic(this.pathOf(id), serializeCapture({ ...capture, meta }));
      return meta;
    });
  }

  /** Metadata of every readable capture, newest first; unreadable files are skipped with a warning. */
  async list(): Promise<CaptureMeta[]> {
    return (await this.listing()).recordings;
  }

  /** list(), and the `*.json` files skipped, each with the reason (also logged). */
  async listing(): Promise<CaptureListing> {
    const ids = (await readdir(this.dir))
      .filter((name) => name.endsWith(FILE_SUFFIX))
      .map((name) => name.slice(0, -FILE_SUFFIX.length))
      .filter(isValidCaptureId);
    const results = await mapLimited(ids, LIST_CONCURRENCY, (id) => this.readMeta(id));
    const recordings: CaptureMeta[] = [];
    const skipped: SkippedFile[] = [];
    results.forEach((result, index) => {
      if (result === null) return; // deleted while listing
      if ('reason' in result) skipped.push({ file: `${ids[index]}${FILE_SUFFIX}`, reason: result.reason });
      else recordings.push(result);
    });
    recordings.sort((a, b) => b.startedUnixMs - a.startedUnixMs || (a.id < b.id ? 1 : -1));
    skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
    return { recordings, skipped };
  }

  async load(id: string): Promise<Capture> {
    const path = this.pathOf(id);
    let text: string;
    try {
      text = await readPrivateFile(path, MAX_CAPTURE_FILE_BYTES);
    } catch (error) {
      if (isMissing(error)) throw new RecorderError('NOT_FOUND', `no recording ${id}`);
      if (error instanceof PrivateFileError) {
        throw new RecorderError('UNREADABLE', `recording ${id} is ${whyRefused(error)}`, { cause: error });
      }
      throw error;
    }
    const parsed = captureFileSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new RecorderError('UNREADABLE', `recording ${id} is unreadable`);
    // The file name is the id: a file copied under a new name loads under that name.
    return { ...parsed.data, meta: { ...parsed.data.meta, id } };
  }

  /**
   * The recording's frame timeline, checked against its metadata. NOT_FOUND
   * without the recording, NO_TIMELINE when none was recorded,
   * TIMELINE_DAMAGED when the sidecar is missing or damaged.
   */
  async loadFrames(id: string): Promise<{ meta: CaptureMeta; frames: FramesFile }> {
    const framesPath = this.framesPathOf(id);
    const meta = await this.readMeta(id);
    if (meta === null) throw new RecorderError('NOT_FOUND', `no recording ${id}`);
    if ('reason' in meta) throw new RecorderError('UNREADABLE', `recording ${id} is ${meta.reason}`);
    return { meta, frames: await readFramesFile(framesPath, id, meta.timeline) };
  }

  /** Deletes the JSON, then the sidecar (a crash in between leaves an orphan, removed at the next open). */
  async delete(id: string): Promise<void> {
    const path = this.pathOf(id);
    const framesPath = this.framesPathOf(id);
    return this.serial(async () => {
      try {
        await unlink(path);
      } catch (error) {
        if (isMissing(error)) throw new RecorderError('NOT_FOUND', `no recording ${id}`);
        throw error;
      }
      await unlink(framesPath).catch((error) => {
        if (!isMissing(error)) throw error;
      });
    });
  }

  /** Sets name and/or note; rewrites the file atomically, samples unchanged. */
  async updateMeta(id: string, patch: MetaPatch): Promise<CaptureMeta> {
    const path = this.pathOf(id);
    return this.serial(async () => {
      const capture = await this.load(id);
      const meta = { ...capture.meta };
      if (patch.name !== undefined) meta.name = patch.name;
      if (patch.note !== undefined) meta.note = patch.note;
      await writePrivateFileAtomic(path, serializeCapture({ ...capture, meta }));
      return meta;
    });
  }

  /** The metadata; `{reason}` when the file is skipped (also logged); null when it is gone. */
  private async readMeta(id: string): Promise<CaptureMeta | { reason: string } | null> {
    const path = join(this.dir, `${id}${FILE_SUFFIX}`);
    const skip = (reason: string) => {
      const what = `${path}: ${reason}`;
      if (!this.skipsLogged.has(what)) {
        if (this.skipsLogged.size >= MAX_SKIPS_REMEMBERED) this.skipsLogged.clear();
        this.skipsLogged.add(what);
        this.log.warn(`skipping ${what}`);
      }
      return { reason };
    };
    try {
      const line = await readHeadLine(path);
      // Our layout: the first line is the head without its closing brace.
      const head = line?.endsWith(',') ? safeJson(`${line.slice(0, -1)}}`) : undefined;
      // Files in another layout (pretty-printed by hand, say) still list, just slower.
      const json = head ?? safeJson(await readPrivateFile(path, MAX_CAPTURE_FILE_BYTES));
      if (json === undefined) return skip('does not parse as a whole JSON document');
      const parsed = captureHeadSchema.safeParse(json);
      if (parsed.success) return { ...parsed.data.meta, id };
      const issue = parsed.error.issues[0];
      return skip(`not a punktfunk capture (${issue?.path.join('.')}: ${issue?.message})`);
    } catch (error) {
      if (isMissing(error)) return null; // deleted while listing
      if (error instanceof PrivateFileError) return skip(whyRefused(error));
      return skip((error as Error).message);
    }
  }

  /** Taken by anything at all (the JSON or a sidecar), a dangling link included: a save never renames over it. */
  private async exists(id: string): Promise<boolean> {
    for (const path of [this.pathOf(id), this.framesPathOf(id)]) {
      try {
        await lstat(path);
        return true;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return false;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** What the list and a load say about a file the store does not read. */
function whyRefused(error: PrivateFileError): string {
  return error.code === 'TOO_LARGE' ? `larger than ${MAX_CAPTURE_FILE_BYTES} bytes` : 'not a regular file';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
