// Test support: a private PipeWire daemon (with WirePlumber, which links our
// capture stream to its target and needs a D-Bus: both run inside their own
// dbus-run-session) in a temporary runtime directory, and the test producer
// (native/test/tools/pw_test_producer: a video source node with known colour
// quadrants that resizes, pauses and stops on command).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PRODUCER_PATH = fileURLToPath(
  new URL('../../../../native/build/pw_test_producer', import.meta.url),
);

const START_TIMEOUT_MS = 10_000;

/** Why the PipeWire tests cannot run here, or null when they can. */
export function pipewireMissing(): string | null {
  for (const tool of ['pipewire', 'wireplumber', 'dbus-run-session']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} is not installed (scripts/setup installs it)`;
    }
  }
  if (!existsSync(PRODUCER_PATH)) return `${PRODUCER_PATH} is not built (pnpm run build:native)`;
  return null;
}

export interface PipeWireDaemon {
  runtimeDir: string;
  /** The daemon's socket, for tests that connect by fd. */
  socketPath: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills a process group started with `detached: true` and waits for its leader. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-(child.pid as number), 'SIGTERM');
  } catch {
    return;
  }
  await exited;
}

/**
 * Starts pipewire + wireplumber in a fresh runtime directory and points this
 * process's libpipewire at it (PIPEWIRE_RUNTIME_DIR), so the engine's
 * "default daemon" is this one.
 */
export async function startPipeWire(): Promise<PipeWireDaemon> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'pf-pipewire-'));
  const script = 'pipewire & sleep 0.3; wireplumber & wait';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
    env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, PIPEWIRE_RUNTIME_DIR: runtimeDir },
    stdio: 'ignore',
    detached: true,
  });
  const socketPath = join(runtimeDir, 'pipewire-0');
  const stop = async () => {
    await stopGroup(child);
    rmSync(runtimeDir, { recursive: true, force: true });
  };
  for (let waited = 0; !existsSync(socketPath); waited += 20) {
    if (waited > START_TIMEOUT_MS || child.exitCode !== null) {
      await stop();
      throw new Error(`pipewire did not start in ${runtimeDir}`);
    }
    await sleep(20);
  }
  process.env.PIPEWIRE_RUNTIME_DIR = runtimeDir;
  return { runtimeDir, socketPath, stop };
}

export type ProducerFormat = 'BGRx' | 'BGRA' | 'RGBx' | 'RGBA' | 'xRGB' | 'xBGR';

export interface ProducerOptions {
  name: string;
  width: number;
  height: number;
  format: ProducerFormat;
  fps?: number;
  animate?: boolean;
  /** Negotiate, then send nothing until 'resume'. */
  paused?: boolean;
  /** Allocate the buffers as memfds, as compositors do (default: PipeWire's pool, MemPtr). */
  memfd?: boolean;
}

export interface Producer {
  nodeId: number;
  /** Sends one command line: 'resize W H', 'pause', 'resume', 'cursor X Y', 'stop'. */
  command(line: string): Promise<void>;
  /** Resolves when the producer has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the test producer on the daemon and waits for its node id. */
export async function startProducer(d: PipeWireDaemon, o: ProducerOptions): Promise<Producer> {
  const args = [o.name, `${o.width}x${o.height}`, o.format, String(o.fps ?? 30)];
  if (o.animate) args.push('--animate');
  if (o.paused) args.push('--paused');
  if (o.memfd) args.push('--memfd');
  const child = spawn(PRODUCER_PATH, args, {
    env: { ...process.env, XDG_RUNTIME_DIR: d.runtimeDir, PIPEWIRE_RUNTIME_DIR: d.runtimeDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const waitForLine = (match: (line: string) => boolean, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.slice(from).find(match);
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `pw_test_producer: no matching line in ${START_TIMEOUT_MS} ms (got ${lines.join(' | ')})`,
          ),
        );
      }, START_TIMEOUT_MS);
      waiters.add(check);
      check();
    });
  const ready = await waitForLine((l) => l.startsWith('ready '));
  const command = async (line: string) => {
    const from = lines.length;
    child.stdin!.write(`${line}\n`);
    await waitForLine((l) => l === `ok ${line}`, from);
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  return { nodeId: Number(ready.split(' ')[1]), command, exited, stop };
}
