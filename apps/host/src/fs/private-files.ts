// The host's private state (certificate key, token, paired clients, captures)
// lives in one config directory that only the host's user can read. Every
// file there is replaced atomically, so a crash mid-write leaves either the
// old or the new content, never half of one.
//
// Nothing here follows a symbolic link or waits on a FIFO: a link planted in
// the directory must not make the host write (or read, or chmod) a file
// elsewhere, and a FIFO must not block one of Node's few file-I/O threads.
// Every file is opened with O_NOFOLLOW (reads also O_NONBLOCK), then the
// opened descriptor is checked to be a regular file of a sane size.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

// Windows has neither flag (nor FIFOs or POSIX links in the same sense); 0 leaves the open as it was.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
/** Never follows a link at the last component; a FIFO opens at once instead of waiting for a writer. */
const READ_FLAGS = constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
/** A new file only: an existing name (a planted link, a FIFO, another writer's temp file) fails with EEXIST. */
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;
/** `<name>.<16 hex>.tmp` as written now, or `<name>.tmp` as written before; group 1 is `<name>`. */
const TEMP_NAME = /^(.+?)(?:\.[0-9a-f]{16})?\.tmp$/;

// The config files (token, identity, paired clients, apps) are a few KB; a
// megabyte is far more than any of them needs and still cheap to read.
export const MAX_PRIVATE_FILE_BYTES = 1024 * 1024;

export interface FileLog {
  warn(message: string): void;
}

export type PrivateFileErrorCode = 'NOT_REGULAR_FILE' | 'TOO_LARGE';

/** A file in a private directory that the host refuses to read: a link, FIFO, device, directory, or too large. */
export class PrivateFileError extends Error {
  constructor(
    readonly code: PrivateFileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PrivateFileError';
  }
}

/** Creates `dir` (and parents) as 0700; tightens an existing one that others could read. */
export async function ensurePrivateDir(dir: string, log?: FileLog): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return; // POSIX modes mean nothing there
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(dir, PRIVATE_DIR_MODE);
    log?.warn(`${dir} was mode ${mode.toString(8)}; set to 700`);
  }
}

/**
 * Opens `path` for reading if, and only if, it is a regular file (not a
 * link, FIFO, socket, device or directory) of at most `maxBytes`; the checks
 * are made on the opened descriptor, so the file cannot be swapped between
 * check and read. ENOENT passes through unchanged.
 */
export async function openRegularFile(
  path: string,
  maxBytes: number,
): Promise<{ file: FileHandle; size: number }> {
  let file: FileHandle;
  try {
    file = await open(path, READ_FLAGS);
  } catch (error) {
    // O_NOFOLLOW on a link fails with ELOOP (Linux, macOS) or EMLINK (FreeBSD).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw new PrivateFileError('NOT_REGULAR_FILE', `${path} is a symbolic link, not a regular file`);
    }
    throw error;
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) {
      throw new PrivateFileError('NOT_REGULAR_FILE', `${path} is ${kindOf(info)}, not a regular file`);
    }
    if (info.size > maxBytes) {
      throw new PrivateFileError(
        'TOO_LARGE',
        `${path} is ${info.size} bytes, more than the ${maxBytes} allowed`,
      );
    }
    return { file, size: info.size };
  } catch (error) {
    await file.close();
    throw error;
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'something else';
}

/** Reads `size` bytes from the start (a file that grew meanwhile is not read past its checked size). */
async function readExactly(file: FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.alloc(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await file.read(buffer, filled, size - filled, filled);
    if (bytesRead === 0) break; // shrank meanwhile: what is there
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** A private file's text; refuses links, FIFOs, devices and files over `maxBytes` (PrivateFileError). */
export async function readPrivateFile(path: string, maxBytes = MAX_PRIVATE_FILE_BYTES): Promise<string> {
  return (await readPrivateFileBytes(path, maxBytes)).toString('utf8');
}

/** readPrivateFile's bytes, for binary files (the frame timeline sidecar). */
export async function readPrivateFileBytes(path: string, maxBytes = MAX_PRIVATE_FILE_BYTES): Promise<Buffer> {
  const { file, size } = await openRegularFile(path, maxBytes);
  try {
    return await readExactly(file, size);
  } finally {
    await file.close();
  }
}

/** Tightens a private file that others could read (e.g. copied in by hand); never through a link. */
export async function ensurePrivateFile(path: string, log?: FileLog): Promise<void> {
  if (process.platform === 'win32') return;
  // Any regular file: this only changes its mode, it reads nothing.
  const { file } = await openRegularFile(path, Number.MAX_SAFE_INTEGER);
  try {
    const mode = (await file.stat()).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await file.chmod(PRIVATE_FILE_MODE);
      log?.warn(`${path} was mode ${mode.toString(8)}; set to 600`);
    }
  } finally {
    await file.close();
  }
}

/** True for the temp files writePrivateFileAtomic leaves behind when killed mid-write, and the older fixed `.tmp` ones. */
export function isTempFileName(name: string, finalSuffix = ''): boolean {
  return TEMP_NAME.exec(name)?.[1]?.endsWith(finalSuffix) ?? false;
}

/**
 * At start-up, before anything writes there: removes the temp files of
 * writes a crash cut short (of files ending in `finalSuffix`). The content
 * they held was never saved. unlink removes a link itself, never its target.
 */
export async function removeStaleTempFiles(dir: string, finalSuffix = ''): Promise<void> {
  for (const name of await readdir(dir)) {
    if (isTempFileName(name, finalSuffix)) await unlink(join(dir, name)).catch(() => {});
  }
}

/**
 * Writes a fresh `<path>.<random>.tmp` (0600, exclusive create, no link
 * followed), flushes it to disk, renames it over `path` and flushes the
 * directory, so that after a crash `path` holds either its old or its new
 * content and the rename itself is durable. A unique name means a planted
 * link or FIFO, or a second writer of the same file, is never opened.
 */
export async function writePrivateFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const file = await open(tmp, CREATE_FLAGS, PRIVATE_FILE_MODE);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await file.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
