// GNOME's screen-cast and remote-desktop APIs against a real headless mutter
// in a private session (D-Bus, PipeWire, WirePlumber): the stream's node
// shows up on the desktop's PipeWire daemon, goes away with the session, and
// every way of failing is a DesktopError with its code, never a hang.
import { eventually } from '@punktfunk/test-support';
import {
  type HeadlessGnome,
  type PrivateSession,
  startHeadlessGnome,
  startPrivateSession,
} from '@punktfunk/test-support/wayland-desktop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMutterSession } from '../../src/desktop/wayland/mutter-session.js';
import { connectSessionBus, type SessionBus } from '../../src/desktop/wayland/session-bus.js';
import { rejectionOf } from './desktop-error.js';
import { videoNodeIds } from './pipewire-nodes.js';

const BTN_LEFT = 0x110;
const XK_a = 0x61;

describe('Mutter screen cast on headless GNOME', () => {
  let gnome: HeadlessGnome;
  let bus: SessionBus;

  beforeAll(async () => {
    gnome = await startHeadlessGnome(1280, 720);
    bus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
  });
  afterAll(async () => {
    bus?.disconnect();
    await gnome?.stop();
  });

  it('casts the primary monitor: a video node on PipeWire at the monitor size, gone after close', async () => {
    const session = await startMutterSession(bus, { connector: null, cursor: 'metadata' });
    expect(session.stream).toMatchObject({ width: 1280, height: 720, outputName: 'Meta-0' });
    expect(session.stream.nodeId).toBeGreaterThan(0);
    expect(await eventually(() => videoNodeIds(gnome.env).includes(session.stream.nodeId))).toBe(true);
    await session.close();
    expect(await eventually(() => !videoNodeIds(gnome.env).includes(session.stream.nodeId))).toBe(true);
  });

  it('takes pointer and keyboard calls on the running session', async () => {
    const session = await startMutterSession(bus, { connector: 'Meta-0', cursor: 'embedded' });
    await session.input.pointerAbsolute(640, 360);
    await session.input.pointerRelative(-10, 5);
    await session.input.pointerButton(BTN_LEFT, true);
    await session.input.pointerButton(BTN_LEFT, false);
    await session.input.scrollDiscrete('vertical', 1);
    await session.input.keysym(XK_a, true);
    await session.input.keysym(XK_a, false);
    await session.close();
  });

  it('a connection that goes away takes its session with it (a crashed host leaves nothing behind)', async () => {
    const ownBus = await connectSessionBus(gnome.env.DBUS_SESSION_BUS_ADDRESS);
    const session = await startMutterSession(ownBus, { connector: null, cursor: 'hidden' });
    expect(await eventually(() => videoNodeIds(gnome.env).includes(session.stream.nodeId))).toBe(true);
    ownBus.disconnect();
    expect(await eventually(() => !videoNodeIds(gnome.env).includes(session.stream.nodeId))).toBe(true);
  });

  it('an unknown monitor is MUTTER_FAILED with Mutter’s reason', async () => {
    const error = await rejectionOf(startMutterSession(bus, { connector: 'NOPE-9', cursor: 'hidden' }));
    expect(error.code).toBe('MUTTER_FAILED');
    expect(error.message).toMatch(/NOPE-9|monitor/i);
  });
});

describe('Mutter screen cast where GNOME is not', () => {
  let session: PrivateSession;
  beforeAll(async () => {
    session = await startPrivateSession();
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('a session bus without Mutter is MUTTER_UNAVAILABLE', async () => {
    const bus = await connectSessionBus(session.env.DBUS_SESSION_BUS_ADDRESS);
    try {
      const error = await rejectionOf(startMutterSession(bus, { connector: null, cursor: 'hidden' }));
      expect(error.code).toBe('MUTTER_UNAVAILABLE');
      expect(error.message).toContain('org.gnome.Mutter.ScreenCast');
    } finally {
      bus.disconnect();
    }
  });

  it('no bus address, or one nobody listens on, is DBUS_UNAVAILABLE', async () => {
    expect((await rejectionOf(connectSessionBus(''))).code).toBe('DBUS_UNAVAILABLE');
    const gone = `unix:path=${session.runtimeDir}/no-such-bus`;
    const error = await rejectionOf(connectSessionBus(gone, 2_000));
    expect(error.code).toBe('DBUS_UNAVAILABLE');
    expect(error.message).toContain('no-such-bus');
  });
});
