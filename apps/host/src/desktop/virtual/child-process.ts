// Small helpers for the processes a virtual display runs (Xvfb): wait for
// its exit, stop it (SIGTERM, then SIGKILL), keep the tail of its stderr for
// error messages.
import type { ChildProcess } from 'node:child_process';

const STOP_GRACE_MS = 3_000;
const STDERR_TAIL_CHARS = 400;

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** "exited with code 1" / "was killed by SIGKILL". */
export function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** Resolves with how the child ended (at once when it already has). */
export function exited(child: ChildProcess): Promise<string> {
  if (hasExited(child)) return Promise.resolve(exitText(child.exitCode, child.signalCode));
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(exitText(code, signal)));
  });
}

/** SIGTERM, SIGKILL after a grace period; resolves when the child is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await gone;
  } finally {
    clearTimeout(timer);
  }
}

/** The last few hundred characters the child wrote to stderr (one line, for messages). */
export function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  return () => tail.trim().replace(/\s*\n\s*/g, ' | ');
}
