// Host telemetry while a capture is armed: every second the machine's CPU,
// run queue, load and memory, the host process's CPU and RSS, and (with an
// NVIDIA GPU) GPU and encoder utilisation, as a HostTelemetrySample for the
// recorder. Reads are async (/proc files, nvidia-smi's own loop), so the
// event loop never waits on them; when idle nothing runs.
import { readFile } from 'node:fs/promises';
import type { PendingTelemetrySample } from '../recorder/index.js';
import { findOnPath, NvidiaSmiWatch } from './nvidia-smi.js';
import {
  type MachineCpu,
  parseLoadAvg1,
  parseMemInfo,
  parseProcStat,
  parseTaskCpuTicks,
  USER_HZ,
} from './proc-stat.js';

export const TELEMETRY_INTERVAL_MS = 1000;

/** What the sampler needs of the recorder. */
export interface TelemetryRecorder {
  isArmed(): boolean;
  onArmedChange(listener: (armed: boolean) => void): () => void;
  addTelemetry(sample: PendingTelemetrySample): void;
}

export interface HostTelemetryOptions {
  recorder: TelemetryRecorder;
  /** The engine's monotonic clock (µs), the recorder's. */
  nowMonoUs: () => number;
  log: (line: string) => void;
  /** Where the /proc files are (tests point it at fixtures). */
  procDir?: string;
  /** nvidia-smi's path; undefined: looked up on PATH; null: none. */
  nvidiaSmi?: string | null;
}

interface Baseline {
  monoUs: number;
  machine: MachineCpu | null;
  processTicks: number | null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export class HostTelemetry {
  private timer: NodeJS.Timeout | null = null;
  private baseline: Baseline | null = null;
  /** Bumped on arm and disarm: a read that straddles one is dropped. */
  private generation = 0;
  private reading = false;
  private gpu: NvidiaSmiWatch | null = null;
  private readonly unsubscribe: () => void;
  private readonly procDir: string;
  private readonly gpuReady: Promise<void>;

  constructor(private readonly o: HostTelemetryOptions) {
    this.procDir = o.procDir ?? '/proc';
    this.gpuReady = this.findGpu();
    this.unsubscribe = o.recorder.onArmedChange((armed) => (armed ? this.start() : this.stop()));
    if (o.recorder.isArmed()) this.start();
  }

  private async findGpu(): Promise<void> {
    const binary = this.o.nvidiaSmi === undefined ? await findOnPath('nvidia-smi') : this.o.nvidiaSmi;
    if (binary) this.gpu = new NvidiaSmiWatch(binary, this.o.log);
    if (binary && this.timer) this.gpu?.start();
  }

  private start(): void {
    if (this.timer) return;
    this.generation++;
    this.baseline = null;
    const tick = () => {
      // A read slower than the interval (a stalled /proc) is not overtaken by the next one.
      if (this.reading) return;
      this.reading = true;
      void this.sample().finally(() => {
        this.reading = false;
      });
    };
    tick();
    this.gpu?.start();
    this.timer = setInterval(tick, TELEMETRY_INTERVAL_MS);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.generation++;
    this.baseline = null;
    this.gpu?.stop();
  }

  /** Reads everything once; from the second read on, hands the window since the last to the recorder. */
  async sample(): Promise<PendingTelemetrySample | null> {
    const generation = this.generation;
    const [stat, self, loadavg, meminfo] = await Promise.all([
      readText(`${this.procDir}/stat`),
      readText(`${this.procDir}/self/stat`),
      readText(`${this.procDir}/loadavg`),
      readText(`${this.procDir}/meminfo`),
    ]);
    if (generation !== this.generation) return null;
    const now: Baseline = {
      monoUs: this.o.nowMonoUs(),
      machine: stat === null ? null : parseProcStat(stat),
      processTicks: self === null ? null : parseTaskCpuTicks(self),
    };
    const last = this.baseline;
    this.baseline = now;
    if (!last) return null;
    const sample = this.build(last, now, loadavg, meminfo);
    this.o.recorder.addTelemetry(sample);
    return sample;
  }

  private build(
    last: Baseline,
    now: Baseline,
    loadavg: string | null,
    meminfo: string | null,
  ): PendingTelemetrySample {
    const windowS = (now.monoUs - last.monoUs) / 1e6;
    const mem = meminfo === null ? { totalMb: null, usedMb: null } : parseMemInfo(meminfo);
    const gpu = this.gpu?.take() ?? { gpuPct: null, gpuEncoderPct: null };
    return {
      monoUs: now.monoUs,
      windowMs: Math.round(windowS * 1e6) / 1000,
      machineCpuPct: machineCpuPct(last.machine, now.machine),
      cpuCores: now.machine?.cores ?? null,
      processCpuPct: ticksPct(last.processTicks, now.processTicks, windowS),
      runQueue: now.machine?.runQueue ?? null,
      loadAvg1: loadavg === null ? null : parseLoadAvg1(loadavg),
      memUsedMb: mem.usedMb,
      memTotalMb: mem.totalMb,
      processRssMb: Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10,
      ...gpu,
    };
  }

  /** Resolves once nvidia-smi was looked for (tests). */
  ready(): Promise<void> {
    return this.gpuReady;
  }

  close(): void {
    this.unsubscribe();
    this.stop();
  }
}

/** The whole machine's busy share of the window, × cores × 100 (% of one core). */
export function machineCpuPct(last: MachineCpu | null, now: MachineCpu | null): number | null {
  if (!last || !now || now.cores === null) return null;
  const total = now.totalTicks - last.totalTicks;
  if (total <= 0) return null;
  return round1(((now.busyTicks - last.busyTicks) / total) * now.cores * 100);
}

function ticksPct(last: number | null, now: number | null, windowS: number): number | null {
  if (last === null || now === null || windowS <= 0) return null;
  return round1(((now - last) / USER_HZ / windowS) * 100);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
