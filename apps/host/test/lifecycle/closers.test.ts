// The closers stack: newest first, every closer runs even when one fails, and
// a failed start-up closes exactly what it had opened.
import { describe, expect, it } from 'vitest';
import { Closers, openAll } from '../../src/lifecycle/closers.js';

describe('Closers', () => {
  it('closes newest first, async closers awaited in turn', async () => {
    const closed: string[] = [];
    const closers = new Closers();
    closers.push(() => {
      closed.push('first');
    });
    closers.push(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      closed.push('second');
    });
    closers.push(() => {
      closed.push('third');
    });
    await closers.close();
    expect(closed).toEqual(['third', 'second', 'first']);
    // Each closer runs once: a second close has nothing left to do.
    await closers.close();
    expect(closed).toEqual(['third', 'second', 'first']);
  });

  it('runs every closer when one fails and throws the first failure', async () => {
    const closed: string[] = [];
    const closers = new Closers();
    closers.push(() => {
      closed.push('a');
    });
    closers.push(() => {
      throw new Error('b failed');
    });
    closers.push(() => {
      throw new Error('c failed');
    });
    await expect(closers.close()).rejects.toThrow('c failed');
    expect(closed).toEqual(['a']);
  });

  it('closeSync does the same for synchronous closers', () => {
    const closed: number[] = [];
    const closers = new Closers<() => void>();
    for (const n of [1, 2, 3]) {
      closers.push(() => {
        closed.push(n);
      });
    }
    closers.closeSync();
    expect(closed).toEqual([3, 2, 1]);
  });
});

describe('openAll', () => {
  it('hands back the closers of a start-up that succeeded', async () => {
    const closed: string[] = [];
    const { value, closers } = await openAll(
      async (c) => {
        c.push(() => {
          closed.push('server');
        });
        return 42;
      },
      () => {},
    );
    expect(value).toBe(42);
    expect(closed).toEqual([]);
    await closers.close();
    expect(closed).toEqual(['server']);
  });

  it('closes what a failed start-up opened, newest first, and throws its error', async () => {
    const closed: string[] = [];
    const closeErrors: unknown[] = [];
    const start = openAll(
      async (c) => {
        c.push(() => {
          closed.push('api');
        });
        c.push(() => {
          throw new Error('recorder would not stop');
        });
        c.push(() => {
          closed.push('pf1');
        });
        throw new Error('port taken');
      },
      (error) => closeErrors.push(error),
    );
    await expect(start).rejects.toThrow('port taken');
    expect(closed).toEqual(['pf1', 'api']);
    expect(closeErrors).toHaveLength(1);
  });
});
