// Opening a session's desktop on headless sway (a wlroots compositor, pixman,
// no GPU): wlr learns the output's name and size from one short screencopy
// and sends input to the same compositor's virtual devices; a missing output
// is WLR_UNAVAILABLE listing the outputs there are; auto (no GNOME) picks
// wlr and says why; /api/v1/status's desktop object follows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HeadlessSway, startHeadlessSway } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesktopConfig, loadDesktopConfig } from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import { captureOptions } from '../../src/streaming/core/open-engine.js';

function opener(desktop: DesktopConfig, lines: string[] = []): DesktopOpener {
  const configDir = mkdtempSync(join(tmpdir(), 'punktfunk-desktop-'));
  return new DesktopOpener({ desktop, configDir, log: (line) => lines.push(line) });
}

describe('DesktopOpener on headless sway', () => {
  let sway: HeadlessSway;
  let env: Record<string, string>;
  beforeAll(async () => {
    sway = await startHeadlessSway(1280, 720);
    env = {
      WAYLAND_DISPLAY: sway.waylandDisplay,
      XDG_RUNTIME_DIR: sway.runtimeDir,
      DBUS_SESSION_BUS_ADDRESS: String(sway.env.DBUS_SESSION_BUS_ADDRESS),
    };
  }, 30_000);
  afterAll(() => sway?.stop());

  it('wlr describes the output screencopy captures, passes it to the worker and sends input to wlroots', async () => {
    const desktops = opener(loadDesktopConfig({ ...env, PUNKTFUNK_CAPTURE: 'wlr' }));
    const opened = await desktops.open();
    expect(opened).toMatchObject({
      backend: 'wlr',
      description: `wlr ${sway.outputName} 1280x720 (screencopy)`,
      size: { width: 1280, height: 720 },
      spec: {
        source: 'wlr',
        display: sway.waylandDisplay,
        runtimeDir: sway.runtimeDir,
        output: sway.outputName,
      },
      input: { kind: 'wlr', waylandDisplay: sway.waylandDisplay, runtimeDir: sway.runtimeDir },
    });
    expect(captureOptions(opened.spec)).toEqual({
      source: 'wlr',
      wlr: { display: sway.waylandDisplay, runtimeDir: sway.runtimeDir, output: sway.outputName },
    });
    expect(desktops.status()).toEqual({
      configured: 'wlr',
      backend: 'wlr',
      description: opened.description,
      size: { width: 1280, height: 720 },
      inputInjector: 'wlr',
      waitingForApproval: false,
    });
    await opened.close();
    await opened.close();
  });

  it('a named output is captured; one that does not exist is WLR_UNAVAILABLE, listing the outputs', async () => {
    const named = await opener(
      loadDesktopConfig({ ...env, PUNKTFUNK_CAPTURE: 'wlr', PUNKTFUNK_WLR_OUTPUT: sway.outputName }),
    ).open();
    expect(named.spec).toMatchObject({ source: 'wlr', output: sway.outputName });
    const missing = opener(
      loadDesktopConfig({ ...env, PUNKTFUNK_CAPTURE: 'wlr', PUNKTFUNK_WLR_OUTPUT: 'DP-9' }),
    );
    await expect(missing.open()).rejects.toMatchObject({
      code: 'WLR_UNAVAILABLE',
      message: expect.stringContaining(`has no output named DP-9 (outputs: ${sway.outputName})`),
    });
  });

  it('auto without GNOME picks wlr because the compositor offers screencopy, and says why', async () => {
    const lines: string[] = [];
    const desktops = opener(loadDesktopConfig({ ...env, PUNKTFUNK_CAPTURE: 'auto' }), lines);
    expect(desktops.preview()).toBe(
      `the Wayland desktop ${sway.waylandDisplay} (mutter, wlr or portal, decided per session)`,
    );
    const opened = await desktops.open();
    expect(lines).toEqual([
      `desktop: auto picked wlr (WAYLAND_DISPLAY=${sway.waylandDisplay}, GNOME's screen-cast API does not answer ` +
        `(org.gnome.Mutter.ScreenCast is not on the session D-Bus), the compositor offers wlroots screencopy ` +
        `(${sway.outputName} 1280x720))`,
    ]);
    expect(opened).toMatchObject({
      backend: 'wlr',
      description: `wlr ${sway.outputName} 1280x720 (screencopy)`,
      input: { kind: 'wlr' },
    });
  });
});
