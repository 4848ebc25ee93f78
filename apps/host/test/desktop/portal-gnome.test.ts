// The XDG desktop portal's ScreenCast as GNOME users meet it: headless
// mutter with xdg-desktop-portal-gnome, whose real approval dialog shows on
// the monitor. The test plays the person at the desktop: it watches the
// screen through a Mutter screen cast and clicks through Mutter's remote
// desktop. Asked once, the restore token starts the next cast unattended.
// With remote desktop (the default where the portal offers it) the same
// dialog asks for input too, and the portal's input reaches a window.
import { randomUUID } from 'node:crypto';
import { closeSync, readlinkSync } from 'node:fs';
import { eventually } from '@punktfunk/test-support';
import { type HeadlessGnome, startHeadlessGnome } from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openWlTestWindow,
  type WlTestWindow,
  type WlTestWindowEvent,
} from '../../../../packages/native/test/support/wayland-window.js';
import type { MutterRemoteInput } from '../../src/desktop/wayland/mutter-session.js';
import { type MutterSession, startMutterSession } from '../../src/desktop/wayland/mutter-session.js';
import { type PortalSession, startPortalScreenCast } from '../../src/desktop/wayland/portal-screencast.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import {
  CANCEL_BUTTON,
  MONITOR_ROW,
  PersonAtDesktop,
  REMOTE_INTERACTION_SWITCH,
  SHARE_BUTTON,
} from './person-at-desktop.js';

function closeFd(session: PortalSession): void {
  if (session.stream.pipewireFd !== null) closeSync(session.stream.pipewireFd);
}

const BTN_LEFT = 0x110;
const XK = { a: 0x61, Shift_L: 0xffe1 };

/** Makes the portal session's virtual pointer and keyboard (created at their first call) and waits for the window's seat to have them. */
async function seatWithDevices(input: MutterRemoteInput, window: WlTestWindow): Promise<void> {
  await input.pointerRelative(0, 0);
  await input.keysym(XK.Shift_L, true);
  await input.keysym(XK.Shift_L, false);
  await window.waitFor((e) => e.type === 'seat' && e.pointer && e.keyboard, 10_000);
  await window.waitFor((e) => e.type === 'focus' && e.in, 10_000);
}

/** Moves the pointer to (x, y) until the window reports it there (it may still be going fullscreen). */
async function pointerLandsAt(input: MutterRemoteInput, window: WlTestWindow, x: number, y: number) {
  const landed = () =>
    window.events.some((e) => (e.type === 'motion' || e.type === 'enter') && e.x === x && e.y === y);
  const deadline = Date.now() + 10_000;
  while (!landed() && Date.now() < deadline) {
    await input.pointerAbsolute(x + 1, y + 1);
    await input.pointerAbsolute(x, y);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return landed();
}

const isButton = (press: boolean) => (e: WlTestWindowEvent) =>
  e.type === 'button' && e.button === BTN_LEFT && e.press === press;
const isKeyA = (press: boolean) => (e: WlTestWindowEvent) =>
  e.type === 'key' && e.keysym === XK.a && e.press === press;

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
      withInput: false,
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
      withInput: false,
      onWaitingForApproval: (w) => again.push(w),
    });
    expect(again).toEqual([]);
    expect(second.stream.nodeId).toBeGreaterThan(0);
    closeFd(second);
    await second.close();
  });

  it('Cancel at the dialog is PORTAL_REFUSED', async () => {
    expect(await person.seesDialog(false)).toBe(true);
    const pending = startPortalScreenCast(bus, { restoreToken: null, withInput: false });
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
      withInput: false,
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

  it('with remote desktop: one dialog for screen and input; pointer, click and key reach a window through the portal', async () => {
    expect(await person.seesDialog(false)).toBe(true);
    const waiting: string[] = [];
    const pending = startPortalScreenCast(bus, {
      restoreToken: null,
      onWaitingForApproval: (w) => waiting.push(w),
    });
    expect(await person.seesDialog(true)).toBe(true);
    expect(await eventually(() => waiting.length > 0)).toBe(true);
    await person.click(REMOTE_INTERACTION_SWITCH);
    await person.click(SHARE_BUTTON);
    const session = await pending;
    expect(waiting).toEqual(['portal Start (remote-desktop approval)']);
    expect(session.stream).toMatchObject({ width: 1280, height: 720, cursor: 'metadata' });
    expect(session.input).not.toBeNull();
    const input = session.input as MutterRemoteInput;
    const window = await openWlTestWindow(gnome);
    try {
      await seatWithDevices(input, window);
      expect(await pointerLandsAt(input, window, 300, 200)).toBe(true);
      await input.pointerRelative(25, -10);
      await window.waitFor((e) => e.type === 'motion' && e.x === 325 && e.y === 190);
      await input.pointerButton(BTN_LEFT, true);
      await input.pointerButton(BTN_LEFT, false);
      await window.waitFor(isButton(true));
      await window.waitFor(isButton(false));
      await input.keysym(XK.a, true);
      await input.keysym(XK.a, false);
      expect(await window.waitFor(isKeyA(true))).toMatchObject({ utf8: 'a' });
      await window.waitFor(isKeyA(false));
    } finally {
      await window.stop();
      closeFd(session);
      await session.close();
    }
    // GNOME 43's portal does not persist remote-desktop sessions: no token,
    // so each such session asks (PUNKTFUNK_PORTAL_INPUT=off keeps casts unattended).
    expect(session.stream.restoreToken).toBeNull();
  }, 60_000);
});
