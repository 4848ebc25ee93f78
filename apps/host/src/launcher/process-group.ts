// A launched app runs in a process group of its own (spawned detached, so its
// pid is the group id): a game started through a launcher script, or one that
// forks helpers, is then stopped as a whole by signalling the group.
//
// Whether the group still has members is read from /proc, not from
// kill(-pgid, 0): an orphaned grandchild that died stays a zombie until its
// new parent reaps it, and where PID 1 does not reap (some containers) that is
// forever. A zombie cannot run and cannot be signalled away, so it does not count.
import { readdirSync, readFileSync } from 'node:fs';

/** How often a stopping group is looked at; short, the wait is usually a few ms. */
const GROUP_POLL_MS = 50;

/** State and process group from /proc/<pid>/stat; null when the process is gone. */
export function processStat(pid: number): { state: string; pgid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgid: Number(fields[2]) };
}

/** A process that exists and is not a zombie (Z) or dead (X). */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** The running (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return groupSignalable(pgid) ? [pgid] : []; // no /proc: the kernel's answer, zombies included
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (stat && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(entry));
  }
  return members;
}

function groupSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to every process of the group; false when none was left to receive it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the group has no running member; false when some are still there after `timeoutMs`. */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(GROUP_POLL_MS);
  }
}
