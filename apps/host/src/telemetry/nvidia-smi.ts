// GPU and encoder utilisation of an NVIDIA GPU, through nvidia-smi (which
// reads NVML): spawned once as a loop printing a line a second, never a
// command per sample, so nothing waits on it. Without nvidia-smi on PATH (or
// when it fails) the figures are null: not measured.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export const NVIDIA_SMI_ARGS = [
  '--query-gpu=utilization.gpu,utilization.encoder',
  '--format=csv,noheader,nounits',
  '-lms',
  '1000',
];

export interface GpuReading {
  gpuPct: number | null;
  gpuEncoderPct: number | null;
}

/** One line of the query's output, e.g. "37, 12"; null for anything else ("[N/A]" fields are null). */
export function parseNvidiaSmiLine(line: string): GpuReading | null {
  const fields = line
    .trim()
    .split(',')
    .map((f) => f.trim());
  if (fields.length !== 2) return null;
  const pct = (field: string) => (/^\d+(\.\d+)?$/.test(field) ? Number(field) : null);
  const gpuPct = pct(fields[0] as string);
  const gpuEncoderPct = pct(fields[1] as string);
  if (gpuPct === null && gpuEncoderPct === null && !fields.every((f) => /^\[.*\]$/.test(f))) return null;
  return { gpuPct, gpuEncoderPct };
}

/** Where `command` is on PATH, or null. */
export async function findOnPath(command: string, path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/** Readings older than this are stale (nvidia-smi stopped printing): null. */
const STALE_MS = 3000;

/**
 * The running nvidia-smi loop. With several GPUs it prints one line per GPU a
 * tick; take() gives the busiest of the lines since the last take().
 */
export class NvidiaSmiWatch {
  private child: ChildProcess | null = null;
  private pending = '';
  private since: GpuReading | null = null;
  private last: { reading: GpuReading; atMs: number } | null = null;

  constructor(
    private readonly binary: string,
    private readonly log: (line: string) => void,
    private readonly nowMs: () => number = Date.now,
  ) {}

  start(): void {
    if (this.child) return;
    const child = spawn(this.binary, NVIDIA_SMI_ARGS, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.feed(chunk));
    child.on('error', (error) =>
      this.log(`telemetry: nvidia-smi failed: ${error.message}; GPU figures not measured`),
    );
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
  }

  stop(): void {
    this.child?.kill();
    this.child = null;
    this.since = null;
    this.last = null;
  }

  /** Output as it arrives (public for tests of captured text). */
  feed(chunk: string): void {
    this.pending += chunk;
    let end = this.pending.indexOf('\n');
    while (end >= 0) {
      const reading = parseNvidiaSmiLine(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + 1);
      if (reading) this.since = this.since ? busiest(this.since, reading) : reading;
      end = this.pending.indexOf('\n');
    }
  }

  take(): GpuReading {
    const now = this.nowMs();
    if (this.since) this.last = { reading: this.since, atMs: now };
    this.since = null;
    if (!this.last || now - this.last.atMs > STALE_MS) return { gpuPct: null, gpuEncoderPct: null };
    return this.last.reading;
  }
}

function busiest(a: GpuReading, b: GpuReading): GpuReading {
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return { gpuPct: max(a.gpuPct, b.gpuPct), gpuEncoderPct: max(a.gpuEncoderPct, b.gpuEncoderPct) };
}
