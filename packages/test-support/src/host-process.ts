// Starts the real host process (apps/host/dist/main.js) on free ports with a
// private config directory, and the real client CLI against it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Started as processes from the built workspace (pnpm run build:ts), never imported.
const repoRoot = new URL('../../../', import.meta.url);
const hostMain = fileURLToPath(new URL('apps/host/dist/main.js', repoRoot));
const clientMain = fileURLToPath(new URL('apps/client/dist/main.js', repoRoot));
export const HOST_TOKEN = 'e2e-token-0123456789abcdef';

export interface RunningHost {
  process: ChildProcess;
  output(): string;
  configDir: string;
  apiBase: string;
  nativePort: number;
  /** GameStream ports; null when PUNKTFUNK_GAMESTREAM=0. */
  gamestream: {
    httpPort: number;
    httpsPort: number;
    rtspPort: number | null;
    /** Video; control is +1, audio +2. */
    streamPortBase: number;
    /** Further sessions' ports (PUNKTFUNK_GS_SESSION_PORT_BASE): slot n at base + 4(n−1): video, control, audio, RTSP. */
    sessionPortBase: number;
  } | null;
  /** Fetches a management API path with the bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<number | null>;
}

/** Whether `check` holds within the time, asked every 50 ms. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
}

/**
 * Waits until the host has printed a line matching `pattern` (its stdout
 * reaches the test on its own time: a reply can overtake the line logged
 * before it); the match, or an error with the log's tail after `timeoutMs`.
 */
export async function waitForOutput(
  host: Pick<RunningHost, 'output'>,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = host.output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline)
      throw new Error(`host did not print ${pattern}:\n${host.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function newConfigDir(): string {
  return mkdtempSync(join(tmpdir(), 'punktfunk-e2e-'));
}

function waitFor(
  proc: ChildProcess,
  read: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not print ${pattern} in ${timeoutMs} ms:\n${read()}`)),
      timeoutMs,
    );
    const check = () => {
      const m = read().match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on('data', check);
    proc.stderr?.on('data', check);
    proc.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`host exited early:\n${read()}`));
    });
    check();
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)));
  });
}

/**
 * Three consecutive free UDP ports for a host's GameStream streams: the
 * client is told fixed ports, so 0 cannot be used, and test files run hosts
 * in parallel.
 */
export async function freeStreamPortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 3 * Math.floor(Math.random() * 10_000);
    const free = await Promise.all([0, 1, 2].map((i) => udpPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no three consecutive free UDP ports found');
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * Free ports for a host's further GameStream sessions (slots 1-3 of the
 * default four): per slot video, control, audio (UDP) and RTSP (TCP), so
 * hosts of parallel test files never meet at the default 48100.
 */
export async function freeSessionPortBase(slots = 3): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 50_000 + 4 * Math.floor(Math.random() * 3000);
    const checks = [...Array(slots * 4).keys()].map((i) =>
      i % 4 === 3 ? tcpPortFree(base + i) : udpPortFree(base + i),
    );
    if ((await Promise.all(checks)).every(Boolean)) return base;
  }
  throw new Error('no free ports for further GameStream sessions found');
}

export async function startHost(configDir: string, env: Record<string, string> = {}): Promise<RunningHost> {
  const streamPortBase = Number(env.PUNKTFUNK_GS_STREAM_PORT ?? (await freeStreamPortBase()));
  const sessionPortBase = Number(env.PUNKTFUNK_GS_SESSION_PORT_BASE ?? (await freeSessionPortBase()));
  const proc = spawn(process.execPath, [hostMain], {
    env: {
      ...process.env,
      PUNKTFUNK_CONFIG_DIR: configDir,
      PUNKTFUNK_MGMT_PORT: '0',
      PUNKTFUNK_MGMT_TLS_PORT: '0',
      PUNKTFUNK_NATIVE_PORT: '0',
      PUNKTFUNK_MGMT_TOKEN: HOST_TOKEN,
      // Free ports, and no mDNS: tests must not announce themselves on the LAN.
      PUNKTFUNK_GS_HTTP_PORT: '0',
      PUNKTFUNK_GS_HTTPS_PORT: '0',
      PUNKTFUNK_GS_RTSP_PORT: '0',
      PUNKTFUNK_MDNS: '0',
      PUNKTFUNK_GS_STREAM_PORT: String(streamPortBase),
      PUNKTFUNK_GS_SESSION_PORT_BASE: String(sessionPortBase),
      // The synthetic pattern (frame counters the tests read back) and the
      // test tone, unless a test brings its own Xvfb display or sound server:
      // a developer's desktop session must not leak into the figures.
      PUNKTFUNK_CAPTURE: 'synthetic',
      PUNKTFUNK_DISPLAY: '',
      DISPLAY: '',
      PULSE_SERVER: 'unix:/nonexistent/punktfunk-tests-have-no-sound-server',
      ...env,
    },
  });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const read = () => output;
  const [, apiBase] = await waitFor(
    proc,
    read,
    /management API on (http:\/\/127\.0\.0\.1:\d+\/api\/v1)/,
    30_000,
  );
  const [, nativePort] = await waitFor(proc, read, /native punktfunk\/1 control on [^:]+:(\d+)/, 30_000);
  const gamestreamOn = (env.PUNKTFUNK_GAMESTREAM ?? '1') !== '0';
  // The last start-up line: the host is fully up once it is printed.
  const gs = gamestreamOn
    ? await waitFor(proc, read, /GameStream HTTP on [^:]+:(\d+), HTTPS on [^:]+:(\d+)/, 30_000)
    : await waitFor(proc, read, /GameStream is switched off/, 30_000).then(() => null);
  const rtsp = gs ? /GameStream HTTP on [^\n]*, RTSP on [^:]+:(\d+)/.exec(read()) : null;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    process: proc,
    output: read,
    configDir,
    apiBase: apiBase as string,
    nativePort: Number(nativePort),
    gamestream: gs
      ? {
          httpPort: Number(gs[1]),
          httpsPort: Number(gs[2]),
          rtspPort: rtsp ? Number(rtsp[1]) : null,
          streamPortBase,
          sessionPortBase,
        }
      : null,
    api: (path, init = {}) =>
      fetch(`${apiBase}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${HOST_TOKEN}`, ...(init.headers ?? {}) },
      }),
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PairingClient {
  proc: ChildProcess;
  stderr(): string;
  /** Its exit code and the --json summary it printed. */
  done: Promise<{ code: number | null; summary: Record<string, unknown> }>;
}

/**
 * The native client CLI streaming 640x360 from `nativePort` for `seconds`,
 * named `name`, keeping its identity in `clientDir`: on its first run it
 * asks to pair and prints the PIN on stderr.
 */
export function startPairingClient(nativePort: number, clientDir: string, name: string, seconds: number) {
  const args = ['--port', String(nativePort), '--seconds', String(seconds), '--json'];
  const proc = spawn(
    process.execPath,
    [clientMain, ...args, '--width', '640', '--height', '360', '--name', name],
    {
      env: { ...process.env, PUNKTFUNK_CLIENT_DIR: clientDir },
    },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; summary: Record<string, unknown> }>((resolve) =>
    proc.on('exit', (code) => resolve({ code, summary: stdout ? JSON.parse(stdout) : {} })),
  );
  return { proc, stderr: () => stderr, done } satisfies PairingClient;
}

export function runClient(args: string[], env: Record<string, string> = {}): Promise<ClientRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [clientMain, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
