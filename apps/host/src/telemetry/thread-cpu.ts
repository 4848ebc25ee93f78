// A streaming worker's own CPU: its thread's utime + stime from
// /proc/thread-self/stat, read once per stats window (one small synchronous
// read, never per frame). The encoder's own threads are not in it: they show
// in the host process's figure of the host telemetry.
import { readFileSync } from 'node:fs';
import { parseTaskCpuTicks, USER_HZ } from './proc-stat.js';

const STAT_PATH = '/proc/thread-self/stat';

export class ThreadCpuMeter {
  private last: { ticks: number; wallNs: bigint } | null = null;

  constructor(private readonly read: () => string | null = readThreadStat) {}

  /** The thread's CPU since the last call in % of one core; null on the first call or without /proc. */
  sample(): number | null {
    const text = this.read();
    const ticks = text === null ? null : parseTaskCpuTicks(text);
    const wallNs = process.hrtime.bigint();
    const last = this.last;
    this.last = ticks === null ? null : { ticks, wallNs };
    if (ticks === null || last === null) return null;
    const wallS = Number(wallNs - last.wallNs) / 1e9;
    if (wallS <= 0) return null;
    return Math.round(((ticks - last.ticks) / USER_HZ / wallS) * 1000) / 10;
  }
}

function readThreadStat(): string | null {
  try {
    return readFileSync(STAT_PATH, 'utf8');
  } catch {
    return null; // not Linux, or /proc not mounted: not measured
  }
}
