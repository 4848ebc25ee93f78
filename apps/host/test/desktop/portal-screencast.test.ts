// The XDG desktop portal's ScreenCast against real headless sway with
// xdg-desktop-portal-wlr, the whole desktop and the portal's caller running
// as an unprivileged test user (portal-driver.mjs), and on a bus with no
// portal: every refusal a DesktopError with its code. The successful cast,
// the approval dialog and the restore token are proven on GNOME
// (portal-gnome.test.ts), whose portal runs here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type HeadlessSway,
  type PrivateSession,
  stageForSessionUser,
  stageNodePackages,
  startHeadlessSway,
  startPrivateSession,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalScreenCast, usableRestoreToken } from '../../src/desktop/wayland/portal-screencast.js';
import { connectSessionBus, DesktopError } from '../../src/desktop/wayland/session-bus.js';

const DRIVER = fileURLToPath(new URL('./portal-driver.mjs', import.meta.url));
const HOST_DESKTOP_DIST = fileURLToPath(new URL('../../dist/desktop/wayland/', import.meta.url));

/**
 * The driver with the host's D-Bus modules and their npm packages, copied
 * where the desktop's user can run them; resolves with the driver's path.
 */
let stagedDrivers = 0;
function stageDriver(desktop: HeadlessSway): string {
  stagedDrivers += 1;
  const stage = join(desktop.runtimeDir, `portal-driver-${stagedDrivers}`);
  mkdirSync(stage, { mode: 0o755 });
  stageForSessionUser(desktop, HOST_DESKTOP_DIST, join(stage, 'dist'));
  stageNodePackages(
    desktop,
    join(HOST_DESKTOP_DIST, 'session-bus.js'),
    ['dbus-next'],
    join(stage, 'node_modules'),
  );
  stageForSessionUser(desktop, DRIVER, join(stage, 'portal-driver.mjs'));
  return join(stage, 'portal-driver.mjs');
}

interface CastOutcome {
  stream?: {
    nodeId: number;
    width: number;
    height: number;
    restoreToken: string | null;
    portalVersion: number;
  };
  fdTarget?: string | null;
  error?: { name: string; code: string | null; message: string };
  waiting: string[];
}

/** Runs the driver as the desktop's user; resolves with one outcome per step. */
function castsAsDesktopUser(desktop: HeadlessSway, steps: object[]): Promise<CastOutcome[]> {
  const child = desktop.spawnInSession(process.execPath, [stageDriver(desktop), JSON.stringify(steps)], {
    // No NODE_PATH (pnpm's): the driver finds only what was staged, as where the checkout is out of reach.
    env: { NODE_PATH: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0
        ? resolve(
            out
              .trim()
              .split('\n')
              .map((line) => JSON.parse(line) as CastOutcome),
          )
        : reject(new Error(`portal driver exited with ${code}: ${out}`)),
    );
  });
}

// xdg-desktop-portal-wlr 0.7 (Debian 12) starts a cast only when the
// compositor offers a DMA-BUF format for screencopy, which a GPU-less
// machine (pixman renderer) never does: it logs "unable to receive a valid
// format from wlr_screencopy" and ends the request. On a desktop with a GPU
// the same calls stream; here the host must say so clearly and promptly.
describe('portal screen cast on headless sway (xdg-desktop-portal-wlr, no GPU)', () => {
  let sway: HeadlessSway;
  beforeAll(async () => {
    sway = await startHeadlessSway(1280, 720);
  });
  afterAll(async () => {
    await sway?.stop();
  });

  it('gets through CreateSession and SelectSources; Start ends with PORTAL_FAILED, not a wait', async () => {
    const [cast] = await castsAsDesktopUser(sway, [{ approvalTimeoutMs: 20_000 }]);
    expect(cast?.error).toMatchObject({ name: 'DesktopError', code: 'PORTAL_FAILED' });
    expect(cast?.error?.message).toContain('portal Start');
    expect(cast?.waiting).toEqual([]);
  });
});

describe('portal screen cast refused at the dialog', () => {
  let sway: HeadlessSway;
  beforeAll(async () => {
    sway = await startHeadlessSway(1280, 720, { chooser: 'refuse' });
  });
  afterAll(async () => {
    await sway?.stop();
  });

  it('a chooser that is cancelled is PORTAL_REFUSED at source selection', async () => {
    const [cast] = await castsAsDesktopUser(sway, [{ approvalTimeoutMs: 20_000 }]);
    expect(cast?.error).toMatchObject({ name: 'DesktopError', code: 'PORTAL_REFUSED' });
    expect(cast?.error?.message).toContain('SelectSources');
  });
});

describe('no portal', () => {
  let session: PrivateSession;
  beforeAll(async () => {
    session = await startPrivateSession();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('a restore token that cannot be the portal’s is not sent (it would fail the whole request)', () => {
    expect(usableRestoreToken('362a800e-dc45-4b2f-9fcf-e1d604633e72')).toBe(
      '362a800e-dc45-4b2f-9fcf-e1d604633e72',
    );
    expect(usableRestoreToken('garbage\n')).toBeNull();
    expect(usableRestoreToken('')).toBeNull();
    expect(usableRestoreToken(null)).toBeNull();
  });

  it('a session bus without the desktop portal is PORTAL_UNAVAILABLE', async () => {
    const bus = await connectSessionBus(session.env.DBUS_SESSION_BUS_ADDRESS);
    try {
      await expect(startPortalScreenCast(bus, { restoreToken: null })).rejects.toMatchObject({
        name: 'DesktopError',
        code: 'PORTAL_UNAVAILABLE',
      });
      await expect(startPortalScreenCast(bus, { restoreToken: null })).rejects.toBeInstanceOf(DesktopError);
    } finally {
      bus.disconnect();
    }
  });
});
