// The host's private state (certificate key, token, paired clients, captures)
// lives in one config directory that only the host's user can read. Every
// file there is replaced atomically, so a crash mid-write leaves either the
// old or the new content, never half of one.
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export interface FileLog {
  warn(message: string): void;
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

/** Tightens a private file that others could read (e.g. copied in by hand). */
export async function ensurePrivateFile(path: string, log?: FileLog): Promise<void> {
  if (process.platform === 'win32') return;
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(path, PRIVATE_FILE_MODE);
    log?.warn(`${path} was mode ${mode.toString(8)}; set to 600`);
  }
}

/**
 * Writes `<path>.tmp` (0600), flushes it to disk, renames it over `path` and
 * flushes the directory, so that after a crash `path` holds either its old
 * or its new content and the rename itself is durable.
 */
export async function writePrivateFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await file.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
