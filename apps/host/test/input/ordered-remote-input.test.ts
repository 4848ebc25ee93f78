// Calls through the desktop portal wait for each other's reply, so a release
// can never overtake its press; moves queued behind a slow reply are merged.
import { describe, expect, it } from 'vitest';
import type { MutterRemoteInput } from '../../src/desktop/wayland/mutter-session.js';
import { orderedRemoteInput } from '../../src/input/ordered-remote-input.js';

/** A remote desktop whose replies come back in the reverse order of the calls (as threads may finish). */
function reorderingDesktop() {
  const arrived: string[] = [];
  const waiting: (() => void)[] = [];
  const call =
    (name: string) =>
    (...args: unknown[]): Promise<void> =>
      new Promise<void>((resolve) => {
        waiting.push(() => {
          arrived.push(`${name}(${args.join(',')})`);
          resolve();
        });
      });
  const input: MutterRemoteInput = {
    pointerAbsolute: call('abs'),
    pointerRelative: call('rel'),
    pointerButton: call('button'),
    scrollDiscrete: call('scroll'),
    keysym: call('key'),
  };
  /** Lets every call started so far arrive, the newest first, for a few turns of the event loop. */
  const drain = async () => {
    // Calls start in microtasks: a turn of the event loop lets each queued one begin.
    for (let round = 0; round < 20; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const deliver of waiting.splice(0).reverse()) deliver();
    }
  };
  return { input, arrived, drain };
}

describe('orderedRemoteInput', () => {
  it('delivers a press before its release however the replies are ordered', async () => {
    const desktop = reorderingDesktop();
    const ordered = orderedRemoteInput(desktop.input);
    const calls = [
      ordered.keysym(0xffe1, true),
      ordered.keysym(0xffe1, false),
      ordered.pointerButton(0x110, true),
    ];
    calls.push(ordered.pointerButton(0x110, false));
    await desktop.drain();
    await Promise.all(calls);
    expect(desktop.arrived).toEqual([
      'key(65505,true)',
      'key(65505,false)',
      'button(272,true)',
      'button(272,false)',
    ]);
  });

  it('merges moves queued behind a slow reply, never across a click', async () => {
    const desktop = reorderingDesktop();
    const ordered = orderedRemoteInput(desktop.input);
    const calls = [
      ordered.keysym(0x61, true),
      ordered.pointerAbsolute(1, 1),
      ordered.pointerAbsolute(2, 2),
      ordered.pointerAbsolute(3, 3),
      ordered.pointerButton(0x110, true),
      ordered.pointerRelative(1, 1),
      ordered.pointerRelative(2, -5),
    ];
    await desktop.drain();
    await Promise.all(calls);
    expect(desktop.arrived).toEqual(['key(97,true)', 'abs(3,3)', 'button(272,true)', 'rel(3,-4)']);
  });

  it('goes on after a refused call, and the refusal reaches that call', async () => {
    const arrived: string[] = [];
    const input: MutterRemoteInput = {
      pointerAbsolute: async () => {},
      pointerRelative: async () => {},
      pointerButton: async () => {
        throw new Error('session closed');
      },
      scrollDiscrete: async () => {},
      keysym: async (keysym) => void arrived.push(`key ${keysym}`),
    };
    const ordered = orderedRemoteInput(input);
    await expect(ordered.pointerButton(0x110, true)).rejects.toThrow('session closed');
    await ordered.keysym(0x61, true);
    expect(arrived).toEqual(['key 97']);
  });
});
