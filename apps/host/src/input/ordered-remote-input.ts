// The desktop portal's RemoteDesktop hands each method call to a thread of
// its own (xdg-desktop-portal handles invocations in threads), so two calls
// sent back to back can reach the compositor in either order: a key's or a
// button's release ahead of its press leaves it held (the e2e saw Shift stuck
// and a click never released). Through the portal each call therefore waits
// for the previous one's reply. A move that arrives while a move is the last
// call still waiting is merged into it (the newest absolute position, the sum
// of relative steps), so a fast mouse does not queue a backlog of round trips.
import type { MutterRemoteInput } from '../desktop/wayland/mutter-session.js';

interface QueuedMove {
  kind: 'absolute' | 'relative';
  x: number;
  y: number;
  done: Promise<void>;
}

export function orderedRemoteInput(input: MutterRemoteInput): MutterRemoteInput {
  let tail: Promise<void> = Promise.resolve();
  // The last call queued, when it is a move that has not been sent yet.
  let lastMove: QueuedMove | null = null;
  const enqueue = (call: () => Promise<void>): Promise<void> => {
    const done = tail.then(call);
    tail = done.catch(() => {}); // a refused call is the caller's to count; the next still goes
    return done;
  };
  const other = (call: () => Promise<void>): Promise<void> => {
    lastMove = null;
    return enqueue(call);
  };
  const move = (kind: QueuedMove['kind'], x: number, y: number): Promise<void> => {
    if (lastMove?.kind === kind) {
      lastMove.x = kind === 'absolute' ? x : lastMove.x + x;
      lastMove.y = kind === 'absolute' ? y : lastMove.y + y;
      return lastMove.done;
    }
    const queued: QueuedMove = { kind, x, y, done: Promise.resolve() };
    lastMove = queued;
    queued.done = enqueue(() => {
      if (lastMove === queued) lastMove = null;
      return kind === 'absolute'
        ? input.pointerAbsolute(queued.x, queued.y)
        : input.pointerRelative(queued.x, queued.y);
    });
    return queued.done;
  };
  return {
    pointerAbsolute: (x, y) => move('absolute', x, y),
    pointerRelative: (dx, dy) => move('relative', dx, dy),
    pointerButton: (button, pressed) => other(() => input.pointerButton(button, pressed)),
    scrollDiscrete: (axis, steps) => other(() => input.scrollDiscrete(axis, steps)),
    keysym: (keysym, pressed) => other(() => input.keysym(keysym, pressed)),
  };
}
