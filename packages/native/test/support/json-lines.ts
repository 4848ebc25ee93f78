// The test windows (x11_test_window, wl_test_window) report what they receive
// as JSON lines on stdout; tests wait for the line they expect, with a bound.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface JsonLines<Event> {
  /** Every line so far, parsed, in order. */
  events: Event[];
  /** Resolves with the first event (already received or later) that matches. */
  waitFor(match: (e: Event) => boolean, timeoutMs?: number): Promise<Event>;
}

/** Collects `output`'s JSON lines; `describe()` adds context (e.g. stderr) to a timeout's message. */
export function jsonLines<Event>(output: Readable, who: string, describe = () => ''): JsonLines<Event> {
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: output }).on('line', (line) => {
    events.push(JSON.parse(line) as Event);
    for (const wake of waiters) wake();
  });
  const waitFor = (match: (e: Event) => boolean, timeoutMs = 5000) =>
    new Promise<Event>((resolve, reject) => {
      const check = () => {
        const found = events.find(match);
        if (found === undefined) return false;
        clearTimeout(timer);
        waiters.delete(onEvent);
        resolve(found);
        return true;
      };
      const onEvent = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(onEvent);
        const got = JSON.stringify(events.slice(-20));
        reject(new Error(`${who}: no matching event in ${timeoutMs} ms (last: ${got}${describe()})`));
      }, timeoutMs);
      if (!check()) waiters.add(onEvent);
    });
  return { events, waitFor };
}
