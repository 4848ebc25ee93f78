// The capture choice: config parsing (PUNKTFUNK_CAPTURE, PUNKTFUNK_DISPLAY, the Wayland session)
// and resolveCapture against a real Xvfb and a display that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, type XvfbDisplay } from '../../../../packages/native/test/support/x11-display.js';
import { ConfigError, loadDesktopConfig, parsePipeWireNode } from '../../src/config/index.js';
import { resolveCapture } from '../../src/desktop/desktop-source.js';

// The display mode's defaults (config/display-mode.ts), part of every DesktopConfig.
const DISPLAY_DEFAULTS = { displayMode: 'desktop', virtualBackend: 'auto', xvfbPath: 'Xvfb' } as const;

describe('loadDesktopConfig', () => {
  it('defaults to auto on $DISPLAY; PUNKTFUNK_DISPLAY wins', () => {
    expect(loadDesktopConfig({})).toEqual({ capture: 'auto', display: null, ...DISPLAY_DEFAULTS });
    expect(loadDesktopConfig({ DISPLAY: ':0' })).toEqual({
      capture: 'auto',
      display: ':0',
      ...DISPLAY_DEFAULTS,
    });
    expect(loadDesktopConfig({ DISPLAY: ':0', PUNKTFUNK_DISPLAY: 'host:1.0' }).display).toBe('host:1.0');
  });

  it('refuses an unknown source, x11 without a display and a display that is not one', () => {
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wayland' })).toThrow(
      /PUNKTFUNK_CAPTURE must be one of/,
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'x11' })).toThrow(/needs an X display/);
    for (const hostile of [':0; rm -rf /', '$(id)', ':abc', 'a b:0']) {
      expect(() => loadDesktopConfig({ PUNKTFUNK_DISPLAY: hostile })).toThrow(ConfigError);
    }
  });
});

describe('loadDesktopConfig: Wayland', () => {
  it('reads portal, mutter and pipewire:NODE (by id or node.name), the monitor and the session env', () => {
    const session = {
      WAYLAND_DISPLAY: 'wayland-0',
      XDG_RUNTIME_DIR: '/run/user/1000',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
    };
    expect(
      loadDesktopConfig({ ...session, PUNKTFUNK_CAPTURE: 'mutter', PUNKTFUNK_MUTTER_MONITOR: 'DP-1' }),
    ).toEqual({
      ...DISPLAY_DEFAULTS,
      capture: 'mutter',
      display: null,
      mutterMonitor: 'DP-1',
      waylandDisplay: 'wayland-0',
      runtimeDir: '/run/user/1000',
      sessionBusAddress: 'unix:path=/run/user/1000/bus',
    });
    expect(loadDesktopConfig({ ...session, PUNKTFUNK_CAPTURE: 'portal' }).capture).toBe('portal');
    expect(loadDesktopConfig({ PUNKTFUNK_PORTAL_INPUT: 'off' }).portalInput).toBe('off');
    expect(() => loadDesktopConfig({ PUNKTFUNK_PORTAL_INPUT: 'maybe' })).toThrow(
      /PUNKTFUNK_PORTAL_INPUT must be one of/,
    );
    expect(loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:42' })).toMatchObject({
      capture: 'pipewire',
      pipewireNode: { id: 42 },
    });
    expect(loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:gamescope' }).pipewireNode).toEqual({
      name: 'gamescope',
    });
    expect(parsePipeWireNode('pipewire:alsa_output.pci-0000_00_1f.3')).toEqual({
      name: 'alsa_output.pci-0000_00_1f.3',
    });
  });

  it('refuses a node that is none, a bare pipewire, a hostile monitor and mutter/portal without a session bus', () => {
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire' })).toThrow(/needs the node/);
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:' })).toThrow(/node id or node.name/);
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:a b' })).toThrow(ConfigError);
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'pipewire:99999999999' })).toThrow(/too big/);
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wayland' })).toThrow(
      /one of auto, x11, synthetic, portal, mutter, pipewire:NODE/,
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_MUTTER_MONITOR: '$(id)' })).toThrow(
      /PUNKTFUNK_MUTTER_MONITOR/,
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'mutter' })).toThrow(/DBUS_SESSION_BUS_ADDRESS/);
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'portal' })).toThrow(/DBUS_SESSION_BUS_ADDRESS/);
  });
});

describe('loadDesktopConfig: wlr', () => {
  it('reads wlr and PUNKTFUNK_WLR_OUTPUT with the compositor socket from the session env', () => {
    const session = { WAYLAND_DISPLAY: 'wayland-1', XDG_RUNTIME_DIR: '/run/user/1000' };
    expect(loadDesktopConfig({ ...session, PUNKTFUNK_CAPTURE: 'wlr' })).toEqual({
      ...DISPLAY_DEFAULTS,
      capture: 'wlr',
      display: null,
      waylandDisplay: 'wayland-1',
      runtimeDir: '/run/user/1000',
    });
    expect(
      loadDesktopConfig({ ...session, PUNKTFUNK_CAPTURE: 'wlr', PUNKTFUNK_WLR_OUTPUT: 'HEADLESS-1' })
        .wlrOutput,
    ).toBe('HEADLESS-1');
    // A socket path needs no runtime dir.
    expect(
      loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wlr', WAYLAND_DISPLAY: '/run/sway/wayland-1' }).waylandDisplay,
    ).toBe('/run/sway/wayland-1');
    expect(loadDesktopConfig({ PUNKTFUNK_WLR_OUTPUT: 'DP-1' })).toMatchObject({
      capture: 'auto',
      wlrOutput: 'DP-1',
    });
  });

  it('refuses wlr without WAYLAND_DISPLAY, a socket name without a runtime dir and a hostile output name', () => {
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wlr' })).toThrow(
      "PUNKTFUNK_CAPTURE=wlr needs the compositor's socket: WAYLAND_DISPLAY is not set",
    );
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wlr', WAYLAND_DISPLAY: 'wayland-1' })).toThrow(
      /WAYLAND_DISPLAY=wayland-1 is a name, so XDG_RUNTIME_DIR must be an absolute path/,
    );
    for (const hostile of ['$(id)', 'a b', 'DP-1;', 'x'.repeat(65)]) {
      expect(() => loadDesktopConfig({ PUNKTFUNK_WLR_OUTPUT: hostile })).toThrow(/PUNKTFUNK_WLR_OUTPUT/);
    }
    expect(() => loadDesktopConfig({ PUNKTFUNK_CAPTURE: 'wayland' })).toThrow(
      /one of auto, x11, synthetic, portal, mutter, pipewire:NODE, wlr/,
    );
  });
});

describe('resolveCapture', () => {
  let xvfb: XvfbDisplay;
  beforeAll(async () => {
    xvfb = await startXvfb(800, 600);
  });
  afterAll(() => xvfb.stop());

  it('auto captures a reachable display and describes it', () => {
    const resolved = resolveCapture({ capture: 'auto', display: xvfb.name });
    expect(resolved.spec).toEqual({ source: 'x11', display: xvfb.name });
    expect(resolved.description).toBe(`x11 ${xvfb.name} 800x600 (MIT-SHM)`);
  });

  it('auto falls back to the pattern with the reason; x11 keeps the display so the session fails loudly', () => {
    const fallback = resolveCapture({ capture: 'auto', display: ':1999' });
    expect(fallback.spec).toEqual({ source: 'synthetic' });
    expect(fallback.description).toMatch(/^synthetic \(.*:1999.*\)$/);
    const forced = resolveCapture({ capture: 'x11', display: ':1999' });
    expect(forced.spec).toEqual({ source: 'x11', display: ':1999' });
    expect(resolveCapture({ capture: 'auto', display: null }).description).toMatch(/no X display configured/);
    expect(resolveCapture({ capture: 'synthetic', display: xvfb.name }).spec).toEqual({
      source: 'synthetic',
    });
  });
});
