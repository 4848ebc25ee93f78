// The xvfb backend: a private Xvfb per session at exactly the client's mode
// (a headless game server has no desktop to share). Xvfb picks a free
// display number itself and writes it to a pipe (-displayfd), so parallel
// sessions never race for one. It is captured through the X11 source 1:1,
// input goes to it through XTest, apps start with DISPLAY=:N. Xvfb has no
// refresh rate: the stream paces at the requested fps.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { probeX11Display } from '@punktfunk/native';
import type { OpenedDesktop } from '../desktop-source.js';
import { exited, stderrTail, stopChild } from './child-process.js';
import { checkVirtualMode, modeText, type VirtualModeRequest } from './mode-limits.js';
import { type VirtualDisplay, type VirtualDisplayBackend, VirtualDisplayError } from './virtual-display.js';

export interface XvfbBackendOptions {
  /** The program (PUNKTFUNK_XVFB; default Xvfb on PATH). */
  xvfbPath: string;
  log(line: string): void;
  /** How long Xvfb may take to start listening (default 10 s). */
  startTimeoutMs?: number;
}

const START_TIMEOUT_MS = 10_000;

function xvfbArgs(request: VirtualModeRequest): string[] {
  // fd 3 is the pipe Xvfb writes its display number to once it listens.
  // -nolisten tcp: local clients only. -noreset: the last client leaving
  // (the app restarting) must not reset the server under the capture.
  const screen = `${request.width}x${request.height}x24`;
  return ['-displayfd', '3', '-screen', '0', screen, '-nolisten', 'tcp', '-noreset'];
}

/** Resolves with Xvfb's display number once it listens; rejects when it fails first. */
function displayNumber(child: ChildProcess, timeoutMs: number, tail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (code: 'BACKEND_UNAVAILABLE' | 'CREATE_FAILED', why: string) => {
      clearTimeout(timer);
      reject(new VirtualDisplayError(code, why));
    };
    const timer = setTimeout(
      () => fail('CREATE_FAILED', `Xvfb did not start listening within ${timeoutMs} ms (${tail()})`),
      timeoutMs,
    );
    const pipe = child.stdio[3] as Readable;
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      text += chunk;
      const match = /^(\d+)\n/.exec(text);
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
    child.once('error', (error) => fail('BACKEND_UNAVAILABLE', `cannot run Xvfb: ${error.message}`));
    child.once('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      // An 'exit' after the number was read is the session's business, not this.
      fail('CREATE_FAILED', `Xvfb ${how} before it listened (${tail() || 'no message'})`);
    });
  });
}

/**
 * Xvfb removes its socket on SIGTERM; after a SIGKILL (or a crash) the file
 * stays. With -displayfd Xvfb keeps no lock file: the socket it could bind
 * is its claim on the number, so the file of a display number our Xvfb held
 * and no longer does is ours to remove (and a lock file, should a build
 * write one, only while it names our process).
 */
function removeLeftovers(display: number, pid: number | undefined): void {
  rmSync(`/tmp/.X11-unix/X${display}`, { force: true });
  const lock = `/tmp/.X${display}-lock`;
  try {
    if (Number(readFileSync(lock, 'utf8').trim()) === pid) rmSync(lock, { force: true });
  } catch {
    // no lock file: the usual case
  }
}

export function xvfbBackend(o: XvfbBackendOptions): VirtualDisplayBackend {
  return {
    name: 'xvfb',
    async create(request) {
      checkVirtualMode(request, 'xvfb');
      const child = spawn(o.xvfbPath, xvfbArgs(request), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
      const tail = stderrTail(child);
      let number: number;
      try {
        number = await displayNumber(child, o.startTimeoutMs ?? START_TIMEOUT_MS, tail);
      } catch (error) {
        await stopChild(child);
        throw error;
      }
      return xvfbDisplay(request, child, number, o.log);
    },
  };
}

async function xvfbDisplay(
  request: VirtualModeRequest,
  child: ChildProcess,
  number: number,
  log: (line: string) => void,
): Promise<VirtualDisplay> {
  const display = `:${number}`;
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await stopChild(child);
    removeLeftovers(number, child.pid);
  };
  const probe = probeX11Display(display);
  if (!probe.reachable || probe.width !== request.width || probe.height !== request.height) {
    await close();
    const saw = probe.reachable ? `${probe.width}x${probe.height}` : probe.reason;
    throw new VirtualDisplayError('CREATE_FAILED', `Xvfb ${display} is not ${modeText(request)}: ${saw}`);
  }
  const description = `Xvfb ${display} ${modeText(request)}`;
  log(`virtual display: ${description} for ${request.label} (pid ${child.pid})`);
  const closedByDesktop = exited(child).then((how) => {
    if (!closing) removeLeftovers(number, child.pid);
    return `the virtual display ${description} ${how}`;
  });
  const desktop: OpenedDesktop = {
    spec: { source: 'x11', display },
    description: `${description} (${probe.shm ? 'MIT-SHM' : 'GetImage, no MIT-SHM'})`,
    backend: 'x11',
    size: { width: request.width, height: request.height },
    input: { kind: 'x11', display },
    // Only news while the session runs: our own close also ends the process.
    closedByDesktop: closedByDesktop.then((reason) => (closing ? new Promise<string>(() => {}) : reason)),
    close,
  };
  return {
    backend: 'xvfb',
    width: request.width,
    height: request.height,
    fps: request.fps,
    desktop,
    appEnvironment: { DISPLAY: display },
    info: { mode: 'virtual', backend: 'xvfb', width: request.width, height: request.height, description },
  };
}
