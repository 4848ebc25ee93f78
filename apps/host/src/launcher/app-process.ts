// One command of an app, started as the leader of its own process group, its
// output logged line by line under a prefix and its end logged with the exit
// code or signal. `startAppProcess` resolves once the kernel has started the
// program, or rejects with the reason it could not (not found, not
// executable, no such working directory): the launch answers with that.
import { type ChildProcess, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface AppProcessSpec {
  /** argv[0] is looked up on PATH unless it holds a '/'. */
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Prefix of every log line about this process, e.g. `app "Steam"`. */
  label: string;
  log(line: string): void;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  pid: number;
  /** The process group: the same number as pid (the leader). */
  pgid: number;
  /** Resolves when the leader exited (its children may live on in the group). */
  exited: Promise<AppExit>;
  /** Resolves once both output pipes closed: every member that held them is gone and every line logged. */
  outputDone: Promise<void>;
  hasExited(): boolean;
}

export class AppStartError extends Error {
  constructor(
    /** The errno code (ENOENT, EACCES, ENOTDIR…). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppStartError';
  }
}

// A runaway line (a progress bar without newlines, binary output) is cut: the log stays readable.
const LOG_LINE_MAX_CHARS = 1000;

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'not found',
  EACCES: 'permission denied (not executable?)',
  ENOTDIR: 'a path component is not a directory',
  ENOEXEC: 'not an executable format',
  E2BIG: 'argument list too long',
};

/** Control characters (escape sequences) never reach the host's log as is. */
function printable(line: string): string {
  const cut = line.length > LOG_LINE_MAX_CHARS ? `${line.slice(0, LOG_LINE_MAX_CHARS)}…` : line;
  return cut.replace(/[\p{Cc}]/gu, (c) => (c === '\t' ? c : '?'));
}

function logLines(stream: Readable, prefix: string, log: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => log(`${prefix}: ${printable(line)}`));
  return new Promise((resolve) => lines.once('close', () => resolve()));
}

export function describeExit(exit: AppExit): string {
  return exit.signal ? `ended by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** Checked before spawning: a missing working directory would otherwise read as "command not found". */
async function checkWorkingDir(cwd: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(cwd)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new AppStartError(code, `working directory ${cwd}: ${ERRNO_TEXT[code] ?? code}`);
  }
  if (!isDir) throw new AppStartError('ENOTDIR', `working directory ${cwd} is not a directory`);
}

function spawned(child: ChildProcess, argv0: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      reject(new AppStartError(code, `${argv0}: ${ERRNO_TEXT[code] ?? error.message} (${code})`));
    });
  });
}

export async function startAppProcess(spec: AppProcessSpec): Promise<AppProcess> {
  const [argv0, ...args] = spec.argv;
  if (argv0 === undefined) throw new AppStartError('EINVAL', 'empty command');
  await checkWorkingDir(spec.cwd);
  // detached: a new session and process group, so the whole tree can be
  // signalled and a Ctrl-C at the host's terminal does not reach the app.
  const child = spawn(argv0, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Listeners first: nothing the process does between spawn and here is missed.
  let done = false;
  const exited = new Promise<AppExit>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      spec.log(`${spec.label} (pid ${child.pid}) ${describeExit({ code, signal })}`);
      resolve({ code, signal });
    }),
  );
  const outputDone = Promise.all([
    logLines(child.stdout as Readable, spec.label, spec.log),
    logLines(child.stderr as Readable, spec.label, spec.log),
  ]).then(() => undefined);
  const pid = await spawned(child, argv0);
  child.on('error', (error) => spec.log(`${spec.label} (pid ${pid}): ${error.message}`));
  return { pid, pgid: pid, exited, outputDone, hasExited: () => done };
}
