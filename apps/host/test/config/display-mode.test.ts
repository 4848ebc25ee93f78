// PUNKTFUNK_DISPLAY_MODE and PUNKTFUNK_VIRTUAL_BACKEND (issue 18), and the
// display request each session builds from them and the app's own choice.
import { describe, expect, it } from 'vitest';
import { loadDesktopConfig } from '../../src/config/index.js';
import { sessionDisplayRequest } from '../../src/desktop/virtual/session-request.js';

describe('display mode config', () => {
  it('defaults to the desktop with auto backends and Xvfb on PATH', () => {
    expect(loadDesktopConfig({})).toMatchObject({
      displayMode: 'desktop',
      virtualBackend: 'auto',
      swaySocket: undefined,
      xvfbPath: 'Xvfb',
    });
  });

  it('reads virtual, each backend, SWAYSOCK and PUNKTFUNK_XVFB', () => {
    const env = {
      PUNKTFUNK_DISPLAY_MODE: 'virtual',
      PUNKTFUNK_VIRTUAL_BACKEND: 'sway',
      SWAYSOCK: '/run/user/1000/sway-ipc.sock',
      PUNKTFUNK_XVFB: '/opt/x/Xvfb',
    };
    expect(loadDesktopConfig(env)).toMatchObject({
      displayMode: 'virtual',
      virtualBackend: 'sway',
      swaySocket: '/run/user/1000/sway-ipc.sock',
      xvfbPath: '/opt/x/Xvfb',
    });
    for (const backend of ['auto', 'xvfb', 'mutter']) {
      expect(loadDesktopConfig({ PUNKTFUNK_VIRTUAL_BACKEND: backend }).virtualBackend).toBe(backend);
    }
  });

  it('refuses an unknown mode or backend, sway without SWAYSOCK and a relative SWAYSOCK', () => {
    expect(() => loadDesktopConfig({ PUNKTFUNK_DISPLAY_MODE: 'both' })).toThrow(
      "PUNKTFUNK_DISPLAY_MODE must be one of desktop, virtual, got 'both'",
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_VIRTUAL_BACKEND: 'kms' })).toThrow(
      "PUNKTFUNK_VIRTUAL_BACKEND must be one of auto, xvfb, sway, mutter, got 'kms'",
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_VIRTUAL_BACKEND: 'sway' })).toThrow(
      "PUNKTFUNK_VIRTUAL_BACKEND=sway needs sway's IPC socket: SWAYSOCK is not set",
    );
    expect(() => loadDesktopConfig({ SWAYSOCK: 'sway.sock' })).toThrow(
      "SWAYSOCK must be an absolute path to sway's IPC socket, got 'sway.sock'",
    );
  });
});

describe('sessionDisplayRequest', () => {
  const stream = { width: 1280, height: 800, fps: 90 };
  it("the app's display wins over the host default; virtual carries the stream's mode", () => {
    const virtual = { mode: 'virtual', width: 1280, height: 800, fps: 90, label: 'native session a' };
    expect(sessionDisplayRequest({ hostDefault: 'virtual', stream, label: 'native session a' })).toEqual(
      virtual,
    );
    expect(
      sessionDisplayRequest({ hostDefault: 'desktop', app: 'virtual', stream, label: 'native session a' }),
    ).toEqual(virtual);
    expect(sessionDisplayRequest({ hostDefault: 'virtual', app: 'desktop', stream, label: 'x' })).toEqual({
      mode: 'desktop',
    });
    expect(sessionDisplayRequest({ hostDefault: 'desktop', stream, label: 'x' })).toEqual({
      mode: 'desktop',
    });
  });
});
