// The NativeError a call throws: tests then check its code and message.
import { NativeError } from '../../src/index.js';

/** Runs `fn` and returns the NativeError it throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): NativeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NativeError) return e;
    throw e;
  }
  throw new Error('expected a NativeError, got none');
}
