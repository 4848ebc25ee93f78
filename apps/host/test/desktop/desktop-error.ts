// The DesktopError a desktop call ended with; a test fails if it resolved or threw anything else.
import { expect } from 'vitest';
import { DesktopError } from '../../src/desktop/wayland/session-bus.js';

export async function rejectionOf(work: Promise<unknown>): Promise<DesktopError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(DesktopError);
    return error as DesktopError;
  }
  throw new Error('expected a rejection');
}
