// The frame timeline sidecar on disk: `<id>.frames.bin` beside `<id>.json`
// (layout in docs/management-api.md). It is written before the JSON, so a
// crash between the two renames leaves a sidecar without its JSON: an orphan,
// removed when the store opens. A sidecar that is missing or damaged never
// makes its capture unreadable; only the frames route says so.
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FRAME_RECORD_BYTES,
  FRAMES_HEADER_BYTES,
  FramesFileError,
  type FramesFileHeader,
  MAX_CAPTURE_FRAMES,
  parseFramesFile,
  type TimelineInfo,
} from '@punktfunk/shared';
import { PrivateFileError, readPrivateFileBytes } from '../fs/private-files.js';
import { isValidCaptureId } from './capture-id.js';
import { RecorderError } from './recorder-error.js';

export const FRAMES_FILE_SUFFIX = '.frames.bin';
/** A full 3 h timeline; anything larger is not ours and is not read. */
export const MAX_FRAMES_FILE_BYTES = FRAMES_HEADER_BYTES + MAX_CAPTURE_FRAMES * FRAME_RECORD_BYTES;

export interface FramesFile {
  header: FramesFileHeader;
  records: DataView;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Removes `<id>.frames.bin` files with no `<id>.json` beside them (a crash between the two renames). */
export async function removeOrphanSidecars(dir: string, captureSuffix: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith(FRAMES_FILE_SUFFIX)) continue;
    const id = name.slice(0, -FRAMES_FILE_SUFFIX.length);
    if (!isValidCaptureId(id)) continue;
    try {
      await lstat(join(dir, `${id}${captureSuffix}`));
    } catch (error) {
      if (isMissing(error)) await unlink(join(dir, name)).catch(() => {});
    }
  }
}

/**
 * Reads and checks a capture's sidecar against what its metadata says.
 * NO_TIMELINE when none was recorded; TIMELINE_DAMAGED when the metadata
 * names one but the file is missing, not a regular file, or does not parse
 * or match.
 */
export async function readFramesFile(
  path: string,
  id: string,
  timeline: TimelineInfo | null,
): Promise<FramesFile> {
  if (timeline === null) {
    throw new RecorderError('NO_TIMELINE', `recording ${id} has no frame timeline (none was recorded)`);
  }
  const damaged = (why: string, cause?: unknown) =>
    new RecorderError('TIMELINE_DAMAGED', `the frame timeline of recording ${id} ${why}`, { cause });
  let bytes: Buffer;
  try {
    bytes = await readPrivateFileBytes(path, MAX_FRAMES_FILE_BYTES);
  } catch (error) {
    if (isMissing(error)) throw damaged(`is missing (${id}${FRAMES_FILE_SUFFIX})`, error);
    if (error instanceof PrivateFileError) {
      throw damaged(
        error.code === 'TOO_LARGE'
          ? `is larger than ${MAX_FRAMES_FILE_BYTES} bytes`
          : 'is not a regular file',
        error,
      );
    }
    throw error;
  }
  let parsed: FramesFile;
  try {
    parsed = parseFramesFile(bytes);
  } catch (error) {
    if (error instanceof FramesFileError) throw damaged(`is damaged: ${error.message}`, error);
    throw error;
  }
  if (parsed.header.recordCount !== timeline.frames) {
    throw damaged(
      `is damaged: ${parsed.header.recordCount} records where the recording says ${timeline.frames}`,
    );
  }
  return parsed;
}
