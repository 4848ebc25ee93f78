// Process checks for tests that start and stop real processes.
import { readFileSync } from 'node:fs';

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
