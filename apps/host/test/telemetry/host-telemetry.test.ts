// The host telemetry sampler against this machine's real /proc, feeding the
// real recorder; the parsers on malformed text; nvidia-smi's output as
// captured from a machine with a GPU (there is none here) and its absence.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostTelemetry } from '../../src/telemetry/host-telemetry.js';
import { findOnPath, NvidiaSmiWatch, parseNvidiaSmiLine } from '../../src/telemetry/nvidia-smi.js';
import {
  parseLoadAvg1,
  parseMemInfo,
  parseProcStat,
  parseTaskCpuTicks,
  parseTaskRssPages,
} from '../../src/telemetry/proc-stat.js';
import { type Harness, harness } from '../recorder/fixtures.js';

let h: Harness | null = null;
const opened: HostTelemetry[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) t.close();
  await h?.cleanup();
  h = null;
});

/** A sampler on the real /proc, with the recorder's hand-driven clock moved by real elapsed time. */
async function realSampler(): Promise<{ telemetry: HostTelemetry; harness: Harness }> {
  h = await harness();
  const clock = h.clock;
  const startedMs = performance.now();
  const base = clock.monoUs;
  const nowMonoUs = () => {
    clock.monoUs = base + Math.round((performance.now() - startedMs) * 1000);
    return clock.monoUs;
  };
  const telemetry = new HostTelemetry({ recorder: h.recorder, nowMonoUs, log: () => {}, nvidiaSmi: null });
  opened.push(telemetry);
  return { telemetry, harness: h };
}

describe('the sampler on this machine', () => {
  it('measures every /proc figure; a busy child shows in the machine CPU', async () => {
    // Not armed: the sampler's own loop stays off, and sample() is driven here.
    const { telemetry } = await realSampler();
    await telemetry.sample(); // the baseline
    // A child that spins for 400 ms of CPU, then says how much CPU it used.
    const child = spawnSync(process.execPath, [
      '-e',
      'const t=Date.now();while(Date.now()-t<400);const u=process.cpuUsage();console.log((u.user+u.system)/1e6)',
    ]);
    const childCpuS = Number(child.stdout.toString().trim());
    const sample = await telemetry.sample();
    expect(sample).not.toBeNull();
    if (!sample) return;
    for (const key of [
      'machineCpuPct',
      'cpuCores',
      'processCpuPct',
      'runQueue',
      'loadAvg1',
      'memUsedMb',
      'memTotalMb',
      'processRssMb',
    ] as const) {
      expect(sample[key], key).not.toBeNull();
    }
    expect(sample.gpuPct).toBeNull();
    expect(sample.gpuEncoderPct).toBeNull();
    expect(sample.cpuCores).toBeGreaterThanOrEqual(1);
    expect(sample.memUsedMb).toBeLessThan(sample.memTotalMb as number);
    expect(sample.processRssMb).toBeGreaterThan(10);
    // The machine's busy CPU over the window holds at least the child's (less a tick of rounding each side).
    const machineCpuS = ((sample.machineCpuPct as number) / 100) * (sample.windowMs / 1000);
    expect(childCpuS).toBeGreaterThan(0.2);
    expect(machineCpuS).toBeGreaterThanOrEqual(childCpuS - 0.03);
  });

  it('runs only while a capture is armed', async () => {
    const { telemetry, harness } = await realSampler();
    expect(await telemetry.sample()).toBeNull(); // a first read is only a baseline
    await telemetry.sample();
    expect(harness.recorder.live()).toBeNull(); // idle: the recorder took nothing
    harness.recorder.start();
    // Arming started the sampler's own loop: its first window arrives a second later.
    await vi.waitFor(() => expect(harness.recorder.live()?.telemetry.length).toBeGreaterThanOrEqual(1), {
      timeout: 10_000,
      interval: 100,
    });
    await harness.recorder.stop();
    harness.recorder.start();
    expect(harness.recorder.live()?.telemetry).toEqual([]);
  });

  it('a /proc without the files gives nulls, never zeros', async () => {
    h = await harness();
    const dir = join(h.root, 'proc');
    await mkdir(join(dir, 'self'), { recursive: true });
    await writeFile(join(dir, 'stat'), 'cpu garbage\nprocs_running x\n');
    await writeFile(join(dir, 'loadavg'), 'nonsense');
    const telemetry = new HostTelemetry({
      recorder: h.recorder,
      nowMonoUs: () => (h as Harness).clock.monoUs,
      log: () => {},
      procDir: dir,
      nvidiaSmi: null,
    });
    opened.push(telemetry);
    // Not armed: the sampler's own loop stays off, and sample() is driven here.
    await telemetry.sample();
    h.clock.monoUs += 1_000_000;
    const sample = await telemetry.sample();
    expect(sample).toMatchObject({
      machineCpuPct: null,
      cpuCores: null,
      processCpuPct: null,
      runQueue: null,
      loadAvg1: null,
      memUsedMb: null,
      memTotalMb: null,
      gpuPct: null,
      windowMs: 1000,
    });
  });
});

describe('the /proc parsers', () => {
  it('read a real-looking /proc/stat and refuse malformed ones', () => {
    const stat =
      'cpu  100 5 50 800 20 1 2 3 0 0\ncpu0 50 2 25 400 10 0 1 1 0 0\ncpu1 50 3 25 400 10 1 1 2 0 0\nintr 1\nprocs_running 3\n';
    expect(parseProcStat(stat)).toEqual({ busyTicks: 161, totalTicks: 981, cores: 2, runQueue: 3 });
    expect(parseProcStat('cpu a b c d\n')).toBeNull();
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('cpu 1 2 3 4\nprocs_running\n')).toMatchObject({ cores: null, runQueue: null });
  });

  it('find utime + stime and RSS past a command name with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    const line = `1234 (a (weird) name) ${fields.join(' ')}`;
    expect(parseTaskCpuTicks(line)).toBe(14 + 15);
    expect(parseTaskRssPages(line)).toBe(24);
    expect(parseTaskCpuTicks('1234 (short) S 1 2')).toBeNull();
    expect(parseTaskCpuTicks('no parenthesis')).toBeNull();
  });

  it('read loadavg and meminfo, null where a field is missing', () => {
    expect(parseLoadAvg1('0.52 0.40 0.30 2/345 6789\n')).toBe(0.52);
    expect(parseLoadAvg1('')).toBeNull();
    expect(parseMemInfo('MemTotal:  8192000 kB\nMemFree: 1 kB\nMemAvailable:  4096000 kB\n')).toEqual({
      totalMb: 8000,
      usedMb: 4000,
    });
    expect(parseMemInfo('MemTotal:  8192000 kB\n')).toEqual({ totalMb: 8000, usedMb: null });
  });
});

describe('nvidia-smi', () => {
  // As printed by `nvidia-smi --query-gpu=utilization.gpu,utilization.encoder --format=csv,noheader,nounits -lms 1000`.
  const CAPTURED = '37, 12\n40, 15\n';

  it('parses its lines, [N/A] fields as null, and refuses other text', () => {
    expect(parseNvidiaSmiLine('37, 12')).toEqual({ gpuPct: 37, gpuEncoderPct: 12 });
    expect(parseNvidiaSmiLine('0, 0')).toEqual({ gpuPct: 0, gpuEncoderPct: 0 });
    expect(parseNvidiaSmiLine('45, [N/A]')).toEqual({ gpuPct: 45, gpuEncoderPct: null });
    expect(parseNvidiaSmiLine('[N/A], [N/A]')).toEqual({ gpuPct: null, gpuEncoderPct: null });
    expect(
      parseNvidiaSmiLine('NVIDIA-SMI has failed because it could not communicate with the driver'),
    ).toBeNull();
    expect(parseNvidiaSmiLine('a, b')).toBeNull();
    expect(parseNvidiaSmiLine('1, 2, 3')).toBeNull();
  });

  it('gives the busiest line since the last take, split across chunks; stale readings go null', () => {
    const clock = { ms: 0 };
    const watch = new NvidiaSmiWatch(
      '/nonexistent',
      () => {},
      () => clock.ms,
    );
    expect(watch.take()).toEqual({ gpuPct: null, gpuEncoderPct: null });
    watch.feed(CAPTURED.slice(0, 4));
    watch.feed(CAPTURED.slice(4));
    expect(watch.take()).toEqual({ gpuPct: 40, gpuEncoderPct: 15 });
    clock.ms += 1000;
    expect(watch.take()).toEqual({ gpuPct: 40, gpuEncoderPct: 15 }); // nothing new yet: the last stands
    clock.ms += 5000;
    expect(watch.take()).toEqual({ gpuPct: null, gpuEncoderPct: null });
  });

  it('is not on PATH here, so the sampler leaves the GPU figures null', async () => {
    expect(await findOnPath('nvidia-smi')).toBeNull();
    expect(await findOnPath('node', process.env.PATH)).not.toBeNull();
    h = await harness();
    const clock = h.clock;
    const telemetry = new HostTelemetry({
      recorder: h.recorder,
      nowMonoUs: () => clock.monoUs,
      log: () => {},
    });
    opened.push(telemetry);
    await telemetry.ready();
    await telemetry.sample();
    clock.monoUs += 1_000_000;
    const sample = await telemetry.sample();
    expect(sample).toMatchObject({ gpuPct: null, gpuEncoderPct: null });
  });
});
