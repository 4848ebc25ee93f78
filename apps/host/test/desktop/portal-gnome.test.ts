// The XDG desktop portal's ScreenCast as GNOME users meet it: headless
// mutter with xdg-desktop-portal-gnome, whose real approval dialog shows on
// the monitor. The test plays the person at the desktop: it watches the
// screen through a Mutter screen cast and clicks through Mutter's remote
// desktop. Asked once, the restore token starts the next cast unattended.
import { randomUUID } from 'node:crypto';
import { closeSync, readlinkSync } from 'node:fs';
import { type HeadlessGnome, startHeadlessGnome } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MutterSession, startMutterSession } from '../../src/desktop/wayland/mutter-session.js';
import { type PortalSession, startPortalScreenCast } from '../../src/desktop/wayland/portal-screencast.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import {
  CANCEL_BUTTON,
  eventually,
  MONITOR_ROW,
  PersonAtDesktop,
  SHARE_BUTTON,
} from './person-at-desktop.js';

function closeFd(session: PortalSession): void {
  if (session.stream.pipewireFd !== null) closeSync(session.stream.pipewireFd);
}

describe('portal screen cast on headless GNOME (a real approval dialog)', () => {
  let gnome: HeadlessGnome;
  let bus: SessionBus;
  let eyes: MutterSession;
  let person: PersonAtDesktop;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(1280, 720, { portal: true });
    bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
    eyes = await startMutterSession(bus, { connector: null, cursor: 'embedded' });
    person = new PersonAtDesktop(gnome, eyes);
  });
  afterAll(async () => {
    await eyes?.close();
    bus?.disconnect();
    await gnome?.stop();
  });

  it('asks once: waits at the dialog until Share, then the token starts the next cast with no dialog', async () => {
    const waiting: string[] = [];
    const pending = startPortalScreenCast(bus, {
      restoreToken: null,
      onWaitingForApproval: (w) => waiting.push(w),
    });
    expect(await person.seesDialog(true)).toBe(true);
    expect(await eventually(() => waiting.length > 0)).toBe(true);
    expect(waiting).toEqual(['portal Start (screen-cast approval)']);
    await person.click(MONITOR_ROW);
    await person.click(SHARE_BUTTON);
    const first = await pending;
    expect(first.stream).toMatchObject({ width: 1280, height: 720, cursor: 'metadata', portalVersion: 4 });
    expect(first.stream.nodeId).toBeGreaterThan(0);
    expect(readlinkSync(`/proc/self/fd/${first.stream.pipewireFd}`)).toMatch(/^socket:/);
    expect(first.stream.restoreToken).toMatch(/.+/);
    closeFd(first);
    await first.close();

    const again: string[] = [];
    const second = await startPortalScreenCast(bus, {
      restoreToken: first.stream.restoreToken,
      onWaitingForApproval: (w) => again.push(w),
    });
    expect(again).toEqual([]);
    expect(second.stream.nodeId).toBeGreaterThan(0);
    closeFd(second);
    await second.close();
  });

  it('Cancel at the dialog is PORTAL_REFUSED', async () => {
    expect(await person.seesDialog(false)).toBe(true);
    const pending = startPortalScreenCast(bus, { restoreToken: null });
    const outcome = pending.then(
      () => null,
      (error: Error & { code?: string }) => error,
    );
    expect(await person.seesDialog(true)).toBe(true);
    await person.click(CANCEL_BUTTON);
    const error = await outcome;
    expect(error?.code).toBe('PORTAL_REFUSED');
    expect(error?.message).toMatch(/refused or cancelled/);
  });

  it('a stale restore token asks again; nobody answering is DESKTOP_TIMEOUT, not a wait forever', async () => {
    expect(await person.seesDialog(false)).toBe(true);
    const waiting: string[] = [];
    const pending = startPortalScreenCast(bus, {
      restoreToken: randomUUID(),
      approvalTimeoutMs: 4_000,
      onWaitingForApproval: (w) => waiting.push(w),
    });
    const outcome = pending.then(
      () => null,
      (error: Error & { code?: string }) => error,
    );
    const shown = await person.seesDialog(true, 8_000);
    const error = await outcome;
    expect(shown).toBe(true);
    expect(error?.message).toMatch(/Start/);
    expect(error?.code).toBe('DESKTOP_TIMEOUT');
    expect(waiting).toEqual(['portal Start (screen-cast approval)']);
    // The unanswered dialog is closed with the session: the next test sees a clear screen.
    await person.click(CANCEL_BUTTON);
  });
});
