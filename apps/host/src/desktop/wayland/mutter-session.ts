// GNOME's own screen-cast and remote-desktop APIs (org.gnome.Mutter.ScreenCast
// and org.gnome.Mutter.RemoteDesktop), what gnome-remote-desktop uses: no
// approval dialog, so an unattended or headless GNOME host streams at once.
// One remote-desktop session carries the screen cast (its PipeWire node on
// the desktop's PipeWire daemon) and the input that goes back to it; Mutter
// ends both when our bus connection goes away, so a crashed host leaves no
// session behind.
import {
  call,
  DEFAULT_DBUS_TIMEOUT_MS,
  DesktopError,
  dbus,
  getProperty,
  nameHasOwner,
  type SessionBus,
  withDeadline,
} from './session-bus.js';

const SCREEN_CAST = 'org.gnome.Mutter.ScreenCast';
const REMOTE_DESKTOP = 'org.gnome.Mutter.RemoteDesktop';

/** How the pointer reaches the picture: drawn by us from metadata, drawn in by Mutter, or not at all. */
export type CursorMode = 'hidden' | 'embedded' | 'metadata';
const CURSOR_MODE_CODE: Record<CursorMode, number> = { hidden: 0, embedded: 1, metadata: 2 };

export interface MutterSessionOptions {
  /** The monitor's connector ("Meta-0", "DP-1"); null: the primary monitor. */
  connector: string | null;
  cursor: CursorMode;
  timeoutMs?: number;
}

export interface MutterStream {
  /** The stream's node on the desktop's (default) PipeWire daemon. */
  nodeId: number;
  width: number;
  height: number;
  /** The monitor's connector as Mutter names it. */
  outputName: string;
}

/** Pointer and keyboard calls into the session; Mutter takes evdev buttons and X keysyms. */
export interface MutterRemoteInput {
  pointerAbsolute(x: number, y: number): Promise<void>;
  pointerRelative(dx: number, dy: number): Promise<void>;
  /** `button`: an evdev code (BTN_LEFT 0x110 …). */
  pointerButton(button: number, pressed: boolean): Promise<void>;
  /** Wheel clicks; positive `steps` scroll down / right. */
  scrollDiscrete(axis: 'vertical' | 'horizontal', steps: number): Promise<void>;
  keysym(keysym: number, pressed: boolean): Promise<void>;
}

export interface MutterSession {
  stream: MutterStream;
  input: MutterRemoteInput;
  /** Resolves when Mutter closed the session by itself (monitor gone, compositor stopping). */
  readonly closedByDesktop: Promise<void>;
  close(): Promise<void>;
}

function describeCallError(what: string, error: unknown): DesktopError {
  if (error instanceof DesktopError) return error;
  return new DesktopError('MUTTER_FAILED', `${what}: ${(error as Error).message}`);
}

async function requireMutter(bus: SessionBus, timeoutMs: number): Promise<void> {
  for (const name of [SCREEN_CAST, REMOTE_DESKTOP]) {
    if (!(await nameHasOwner(bus, name, timeoutMs))) {
      throw new DesktopError(
        'MUTTER_UNAVAILABLE',
        `${name} does not answer on the session D-Bus (not GNOME?)`,
      );
    }
  }
}

/** Resolves with the node id Mutter announces for `streamPath` once the session starts. */
async function watchNodeId(bus: SessionBus, streamPath: string, timeoutMs: number) {
  const streamObject = await bus.getProxyObject(SCREEN_CAST, streamPath);
  const stream = streamObject.getInterface(`${SCREEN_CAST}.Stream`);
  const nodeId = new Promise<number>((resolve) => stream.once('PipeWireStreamAdded', resolve));
  // A round trip after subscribing: the match rule is on the bus before Start.
  const parameters = await getProperty<Record<string, dbus.Variant>>(
    streamObject,
    `${SCREEN_CAST}.Stream`,
    'Parameters',
  );
  return { nodeId: withDeadline(nodeId, timeoutMs, 'Mutter stream node'), streamObject, parameters };
}

function streamFacts(nodeId: number, parameters: Record<string, dbus.Variant>): MutterStream {
  const size = parameters.size?.value as [number, number] | undefined;
  return {
    nodeId,
    width: size?.[0] ?? 0,
    height: size?.[1] ?? 0,
    outputName: (parameters['output-name']?.value as string | undefined) ?? 'unknown',
  };
}

function remoteInput(session: dbus.ClientInterface, streamPath: string): MutterRemoteInput {
  return {
    pointerAbsolute: (x, y) => call(session, 'NotifyPointerMotionAbsolute', streamPath, x, y),
    pointerRelative: (dx, dy) => call(session, 'NotifyPointerMotionRelative', dx, dy),
    pointerButton: (button, pressed) => call(session, 'NotifyPointerButton', button, pressed),
    scrollDiscrete: (axis, steps) =>
      call(session, 'NotifyPointerAxisDiscrete', axis === 'vertical' ? 0 : 1, steps),
    keysym: (keysym, pressed) => call(session, 'NotifyKeyboardKeysym', keysym, pressed),
  };
}

async function createRemoteDesktopSession(bus: SessionBus) {
  const root = await bus.getProxyObject(REMOTE_DESKTOP, '/org/gnome/Mutter/RemoteDesktop');
  const path = await call<string>(root.getInterface(REMOTE_DESKTOP), 'CreateSession');
  const object = await bus.getProxyObject(REMOTE_DESKTOP, path);
  const sessionId = await getProperty<string>(object, `${REMOTE_DESKTOP}.Session`, 'SessionId');
  return { session: object.getInterface(`${REMOTE_DESKTOP}.Session`), sessionId };
}

/** What the screen-cast session records: one monitor, or a virtual monitor made for the stream. */
type Recording = { kind: 'monitor'; connector: string | null } | { kind: 'virtual' };

async function record(bus: SessionBus, sessionId: string, what: Recording, cursor: CursorMode) {
  const root = await bus.getProxyObject(SCREEN_CAST, '/org/gnome/Mutter/ScreenCast');
  const castPath = await call<string>(root.getInterface(SCREEN_CAST), 'CreateSession', {
    'remote-desktop-session-id': new dbus.Variant('s', sessionId),
  });
  const cast = (await bus.getProxyObject(SCREEN_CAST, castPath)).getInterface(`${SCREEN_CAST}.Session`);
  const cursorMode = { 'cursor-mode': new dbus.Variant('u', CURSOR_MODE_CODE[cursor]) };
  if (what.kind === 'monitor') return call<string>(cast, 'RecordMonitor', what.connector ?? '', cursorMode);
  // is-platform: a monitor of the desktop's layout (windows, panels, the
  // pointer go there), not a private screen-cast-only surface.
  return call<string>(cast, 'RecordVirtual', { ...cursorMode, 'is-platform': new dbus.Variant('b', true) });
}

async function stopQuietly(session: dbus.ClientInterface): Promise<void> {
  try {
    await call(session, 'Stop');
  } catch {
    // Already closed by Mutter (or the bus is gone): nothing left to stop.
  }
}

/**
 * Starts a remote-desktop session with one monitor screen cast in it. Errors:
 * MUTTER_UNAVAILABLE (not GNOME), MUTTER_FAILED (a call refused, e.g. an
 * unknown connector), DESKTOP_TIMEOUT (Mutter never announced the stream).
 */
export function startMutterSession(bus: SessionBus, options: MutterSessionOptions): Promise<MutterSession> {
  const recording: Recording = { kind: 'monitor', connector: options.connector };
  return startSession(bus, recording, options.cursor, options.timeoutMs ?? DEFAULT_DBUS_TIMEOUT_MS);
}

/**
 * Starts a remote-desktop session with a virtual monitor's screen cast
 * (RecordVirtual). Mutter makes the monitor only when a PipeWire consumer
 * negotiates the stream's format, at the negotiated size and maxFramerate
 * (see mutter-virtual.ts); until then the stream's size is 0x0. Errors as
 * startMutterSession.
 */
export function startMutterVirtualSession(
  bus: SessionBus,
  options: { cursor: CursorMode; timeoutMs?: number },
): Promise<MutterSession> {
  return startSession(bus, { kind: 'virtual' }, options.cursor, options.timeoutMs ?? DEFAULT_DBUS_TIMEOUT_MS);
}

async function startSession(
  bus: SessionBus,
  recording: Recording,
  cursor: CursorMode,
  timeoutMs: number,
): Promise<MutterSession> {
  await requireMutter(bus, timeoutMs);
  let session: dbus.ClientInterface | null = null;
  const what = recording.kind === 'monitor' ? 'RecordMonitor' : 'RecordVirtual';
  try {
    const remote = await withDeadline(createRemoteDesktopSession(bus), timeoutMs, 'Mutter remote desktop');
    session = remote.session;
    const streamPath = await withDeadline(record(bus, remote.sessionId, recording, cursor), timeoutMs, what);
    const watched = await watchNodeId(bus, streamPath, timeoutMs);
    const closedByDesktop = new Promise<void>((resolve) => remote.session.once('Closed', () => resolve()));
    await withDeadline(call(remote.session, 'Start'), timeoutMs, 'Mutter session start');
    const nodeId = await watched.nodeId;
    const parameters = await getProperty<Record<string, dbus.Variant>>(
      watched.streamObject,
      `${SCREEN_CAST}.Stream`,
      'Parameters',
    );
    return {
      stream: streamFacts(nodeId, parameters),
      input: remoteInput(remote.session, streamPath),
      closedByDesktop,
      close: () => stopQuietly(remote.session),
    };
  } catch (error) {
    if (session) await stopQuietly(session);
    throw describeCallError('Mutter screen cast', error);
  }
}
