// Process checks for tests that start and stop real processes.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The process exists and is not a zombie (this machine's init may leave
 * orphans unreaped); read from /proc, independent of the code under test.
 */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export interface ProcessFigures {
  /** Resident set size (VmRSS), KiB. */
  rssKiB: number;
  threads: number;
  /** Open file descriptors. */
  fds: number;
}

/** RSS, threads and open fds of a process, from /proc. */
export function processFigures(pid: number): ProcessFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length };
}
