// A real Prometheus (Debian's `prometheus` package, installed by
// scripts/setup) as a child process of a test: a temporary config and TSDB,
// a loopback port, and small clients for its HTTP API.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The path of a Prometheus tool, or an error saying how to get it: the fleet
 * tests must fail, never skip, where the package is missing (CI installs it).
 */
export function prometheusTool(name: 'prometheus' | 'promtool'): string {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${name} is not installed: run scripts/setup (it installs Debian's prometheus package), ` +
        'or apt-get install --no-install-recommends prometheus',
    );
  }
}

/** Runs promtool; its exit code and everything it printed. */
export function runPromtool(args: string[], input?: string): { code: number; output: string } {
  const promtool = prometheusTool('promtool'); // throws, not a failed check, when missing
  try {
    const output = execFileSync(promtool, args, {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input !== undefined ? { input } : {}),
    });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    return { code: failed.status ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One series of an instant query: its labels and [unix seconds, value]. */
export interface InstantSeries {
  metric: Record<string, string>;
  value: [number, string];
}
/** One series of a range query. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}
/** One scrape target as /api/v1/targets reports it. */
export interface ScrapeTarget {
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  labels: Record<string, string>;
}

export interface RunningPrometheus {
  url: string;
  output(): string;
  /** Instant query, at `timeUnixS` when given (else now). */
  query(expr: string, timeUnixS?: number): Promise<InstantSeries[]>;
  queryRange(expr: string, fromUnixS: number, toUnixS: number, stepS: number): Promise<RangeSeries[]>;
  targets(): Promise<ScrapeTarget[]>;
  stop(): Promise<void>;
}

async function apiGet<T>(url: string): Promise<T> {
  const reply = await fetch(url);
  const body = (await reply.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${url}: ${body.error ?? reply.status}`);
  return body.data;
}

async function waitReady(url: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited (${proc.exitCode}):\n${output()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await sleep(200);
  }
  throw new Error(`prometheus was not ready in 60 s:\n${output()}`);
}

/** Starts Prometheus with `configYaml` (written to a temp dir, the TSDB beside it). */
export async function startPrometheus(configYaml: string): Promise<RunningPrometheus> {
  const binary = prometheusTool('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'punktfunk-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, proc, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const q = encodeURIComponent;
  return {
    url,
    output: () => output,
    query: async (expr, timeUnixS) =>
      (
        await apiGet<{ result: InstantSeries[] }>(
          `${url}/api/v1/query?query=${q(expr)}${timeUnixS !== undefined ? `&time=${timeUnixS}` : ''}`,
        )
      ).result,
    queryRange: async (expr, fromUnixS, toUnixS, stepS) =>
      (
        await apiGet<{ result: RangeSeries[] }>(
          `${url}/api/v1/query_range?query=${q(expr)}&start=${fromUnixS}&end=${toUnixS}&step=${stepS}`,
        )
      ).result,
    targets: async () =>
      (await apiGet<{ activeTargets: ScrapeTarget[] }>(`${url}/api/v1/targets`)).activeTargets,
    stop,
  };
}

/**
 * Polls `probe` every 500 ms until it returns a value other than undefined;
 * `what` names it in the timeout's error, with what `lastSeen` says then.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  lastSeen: () => Promise<string> = async () => '',
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${await lastSeen()}`);
    await sleep(500);
  }
}
