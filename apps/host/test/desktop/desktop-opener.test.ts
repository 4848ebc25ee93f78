// Opening a session's desktop with the real pieces: auto on headless GNOME
// picks mutter and says why; forced mutter gives the PipeWire node and the
// remote-desktop input; auto on a Wayland desktop without GNOME's API and
// without wlroots screencopy falls to the portal, and with no portal that is a clear PORTAL_UNAVAILABLE; a
// session bus that is not there is DBUS_UNAVAILABLE; pipewire:NODE and x11
// need nothing opened; /api/v1/status's desktop object follows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type HeadlessGnome,
  type PrivateSession,
  startHeadlessGnome,
  startPrivateSession,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesktopConfig, loadDesktopConfig } from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import { rejectionOf } from './desktop-error.js';

function opener(desktop: DesktopConfig, lines: string[] = []): DesktopOpener {
  const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-desktop-'));
  return new DesktopOpener({ desktop, configDir, log: (line) => lines.push(line) });
}

describe('DesktopOpener on headless GNOME', () => {
  let gnome: HeadlessGnome;
  beforeAll(async () => {
    gnome = await startHeadlessGnome(1280, 720);
  });
  afterAll(() => gnome?.stop());

  it('auto picks mutter when its API answers and logs why; the opened desktop is the PipeWire node with Mutter input', async () => {
    const lines: string[] = [];
    const desktops = opener(loadDesktopConfig({ ...gnome.env, PUNKTFUNK_CAPTURE: 'auto' }), lines);
    expect(desktops.status()).toMatchObject({ configured: 'auto', backend: null, waitingForApproval: false });
    const opened = await desktops.open();
    try {
      expect(lines).toEqual([
        "desktop: auto picked mutter (WAYLAND_DISPLAY=wayland-0 and GNOME's screen-cast API answers)",
      ]);
      expect(opened.backend).toBe('mutter');
      expect(opened.description).toMatch(/^mutter Meta-0 1280x720 \(PipeWire node \d+\)$/);
      expect(opened.spec).toEqual({ source: 'pipewire', nodeId: expect.any(Number) });
      expect(opened.input).toMatchObject({ kind: 'mutter', screen: { width: 1280, height: 720 } });
      expect(desktops.status()).toEqual({
        configured: 'auto',
        backend: 'mutter',
        description: opened.description,
        size: { width: 1280, height: 720 },
        inputInjector: 'mutter',
        waitingForApproval: false,
      });
    } finally {
      await opened.close();
      await opened.close();
    }
  });

  it('mutter on a monitor that does not exist is MUTTER_FAILED', async () => {
    const desktops = opener(
      loadDesktopConfig({ ...gnome.env, PUNKTFUNK_CAPTURE: 'mutter', PUNKTFUNK_MUTTER_MONITOR: 'NOPE-9' }),
    );
    expect((await rejectionOf(desktops.open())).code).toBe('MUTTER_FAILED');
  });
});

describe('DesktopOpener without GNOME', () => {
  let session: PrivateSession;
  beforeAll(async () => {
    session = await startPrivateSession();
  });
  afterAll(() => session?.stop());

  it('auto on a Wayland desktop without Mutter or screencopy falls to the portal, and no portal is PORTAL_UNAVAILABLE', async () => {
    const lines: string[] = [];
    const env = { ...session.env, WAYLAND_DISPLAY: 'wayland-9', PUNKTFUNK_CAPTURE: 'auto' };
    const error = await rejectionOf(opener(loadDesktopConfig(env), lines).open());
    expect(lines[0]).toMatch(
      /^desktop: auto picked portal \(WAYLAND_DISPLAY=wayland-9, GNOME's screen-cast API does not answer \(org\.gnome\.Mutter\.ScreenCast is not on the session D-Bus\), no wlroots screencopy \(cannot connect to the Wayland compositor at \/\S+\/wayland-9: No such file or directory\)\)$/,
    );
    expect(error.code).toBe('PORTAL_UNAVAILABLE');
  });

  it('a session bus that is not there is DBUS_UNAVAILABLE, quickly', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', PUNKTFUNK_CAPTURE: 'mutter' };
    expect((await rejectionOf(opener(loadDesktopConfig(env)).open())).code).toBe('DBUS_UNAVAILABLE');
  });

  it('pipewire:NODE opens nothing: the capture finds the node; input goes to wlroots only inside a Wayland desktop', async () => {
    const plain = await opener(loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:pf-test' })).open();
    expect(plain).toMatchObject({
      spec: { source: 'pipewire', nodeName: 'pf-test' },
      description: 'pipewire node pf-test',
      backend: 'pipewire',
      input: { kind: 'none', reason: expect.stringMatching(/WAYLAND_DISPLAY is not set/) },
    });
    const inWayland = loadDesktopConfig({
      PUNKTFUNK_CAPTURE: 'pipewire:7',
      WAYLAND_DISPLAY: 'wayland-1',
      XDG_RUNTIME_DIR: session.runtimeDir,
    });
    const opened = await opener(inWayland).open();
    expect(opened.spec).toEqual({ source: 'pipewire', nodeId: 7 });
    expect(opened.input).toEqual({
      kind: 'wlr',
      waylandDisplay: 'wayland-1',
      runtimeDir: session.runtimeDir,
    });
  });

  it('without WAYLAND_DISPLAY auto is x11 or synthetic, as before; input stays with the configured X display', async () => {
    const opened = await opener(
      loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'synthetic', DISPLAY: ':1999' }),
    ).open();
    expect(opened).toMatchObject({ backend: 'synthetic', input: { kind: 'x11', display: ':1999' } });
    const none = await opener(loadDesktopConfig({})).open();
    expect(none.input).toEqual({
      kind: 'none',
      reason: 'no X display is configured (PUNKTFUNK_DISPLAY or DISPLAY)',
    });
  });
});
