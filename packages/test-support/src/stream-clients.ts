// The two real client CLIs (punktfunk/1: apps/client; GameStream:
// gs-client) streaming from a host as processes, for tests and soaks that
// freeze (SIGSTOP) or kill them mid-stream, and the host's running sessions
// as its management API reports them.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { HostStatusResponse } from '@punktfunk/shared';
import { enterPin } from './gamestream-host.js';
import type { RunningHost } from './host-process.js';

const repoRoot = new URL('../../../', import.meta.url);
const nativeClientMain = fileURLToPath(new URL('apps/client/dist/main.js', repoRoot));
const gsClientMain = fileURLToPath(new URL('packages/gamestream-client/dist/cli/main.js', repoRoot));

/** A small mode: the tests are about sessions ending, not about picture quality. */
const MODE = ['--width', '640', '--height', '360', '--fps', '30'];

export interface StreamingClient {
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

function spawnClient(main: string, args: string[], env: Record<string, string>): StreamingClient {
  const proc = spawn(process.execPath, [main, ...args, ...MODE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, stderr: () => stderr, exited };
}

/** The punktfunk/1 client streaming from `host` for `seconds` (loopback: no pairing). */
export function spawnNativeClient(host: RunningHost, clientDir: string, seconds = 3600): StreamingClient {
  return spawnClient(nativeClientMain, ['--port', String(host.nativePort), '--seconds', String(seconds)], {
    PUNKTFUNK_CLIENT_DIR: clientDir,
  });
}

/**
 * gs-client with `args` against `host`. On its first run in `clientDir` it
 * asks to pair: the PIN it prints is entered as the operator would, through
 * the management API.
 */
function spawnGsClient(host: RunningHost, clientDir: string, args: string[]): StreamingClient {
  if (!host.gamestream) throw new Error('GameStream is switched off on this host');
  const client = spawnClient(gsClientMain, ['--port', String(host.gamestream.httpPort), ...args], {
    PUNKTFUNK_GS_CLIENT_DIR: clientDir,
  });
  const onPin = (chunk: Buffer) => {
    const pin = /enter PIN (\d{4})/.exec(String(chunk))?.[1];
    if (!pin) return;
    client.proc.stderr?.off('data', onPin);
    void enterPin(host, pin);
  };
  client.proc.stderr?.on('data', onPin);
  return client;
}

/** gs-client streaming from `host` for `seconds` (pairing on its first run). */
export function spawnGameStreamClient(host: RunningHost, clientDir: string, seconds = 3600): StreamingClient {
  return spawnGsClient(host, clientDir, ['--seconds', String(seconds), '--bitrate', '4000']);
}

/**
 * gs-client of `clientDir` quits the app on `host` (/cancel), as Moonlight's
 * "quit" after a crash: the app of a killed client stays running, and a new
 * launch is refused until it is resumed or quit. Pairs on its first run.
 */
export async function quitGameStreamApp(host: RunningHost, clientDir: string): Promise<void> {
  const run = spawnGsClient(host, clientDir, ['--quit']);
  const code = await run.exited;
  if (code !== 0) throw new Error(`gs-client --quit exited with ${code}: ${run.stderr()}`);
}

/** Polls the host's status until it reports `count` running sessions; throws after timeoutMs. */
export async function waitForSessions(host: RunningHost, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await host.api('/status')).json()) as HostStatusResponse;
    if (status.sessions.length === count) return;
    if (Date.now() > deadline)
      throw new Error(
        `the host runs ${status.sessions.length} sessions, not ${count}, after ${timeoutMs} ms`,
      );
    await sleep(50);
  }
}
