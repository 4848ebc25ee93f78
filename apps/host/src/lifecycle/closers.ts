// One closers stack for everything start-up opens (sockets, servers, workers'
// native handles): each opened thing pushes its closer right after it opens,
// and closing runs them newest first. A start-up that fails halfway closes
// exactly what it had opened, in reverse order, and nothing it had not.

/** Synchronous, or a promise that settles once closed. */
export type Closer = () => unknown;

export class Closers<C extends Closer = Closer> {
  private readonly stack: C[] = [];

  push(close: C): void {
    this.stack.push(close);
  }

  /** Newest first; every closer runs even when one fails, and the first failure is thrown afterwards. */
  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (let close = this.stack.pop(); close; close = this.stack.pop()) {
      try {
        await close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  /** For stacks of synchronous closers (the streaming workers' native handles). */
  closeSync(this: Closers<() => void>): void {
    const failures: unknown[] = [];
    for (let close = this.stack.pop(); close; close = this.stack.pop()) {
      try {
        close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

/**
 * Runs a start-up that pushes a closer for everything it opens. On failure
 * what was opened is closed again (newest first) and the start-up's own error
 * is thrown; a closer failing during that rollback goes to `onCloseError`.
 */
export async function openAll<T>(
  open: (closers: Closers) => Promise<T>,
  onCloseError: (error: unknown) => void,
): Promise<{ value: T; closers: Closers }> {
  const closers = new Closers();
  try {
    return { value: await open(closers), closers };
  } catch (error) {
    await closers.close().catch(onCloseError);
    throw error;
  }
}
