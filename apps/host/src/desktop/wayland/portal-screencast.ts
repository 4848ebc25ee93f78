// The XDG desktop portal's ScreenCast interface: how a program asks GNOME,
// KDE or a wlroots desktop (xdg-desktop-portal-wlr) for a screen. The first
// start may show an approval dialog; the restore token the portal returns
// (persist_mode 2, "until revoked") lets later sessions start unattended.
// Every request has a deadline, and a refusal or cancelled dialog is a clear
// DesktopError, never a session that waits for an answer that will not come.
// Where the portal offers RemoteDesktop (GNOME, KDE; not wlroots), the cast
// is opened inside a remote-desktop session: one approval for the screen and
// the pointer and keyboard, whose input then goes through the portal too.
import type { MutterRemoteInput } from './mutter-session.js';
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

const PORTAL = 'org.freedesktop.portal.Desktop';
const PORTAL_PATH = '/org/freedesktop/portal/desktop';
const SCREEN_CAST = 'org.freedesktop.portal.ScreenCast';
const REMOTE_DESKTOP = 'org.freedesktop.portal.RemoteDesktop';
/** AvailableDeviceTypes / SelectDevices bits. */
const DEVICE_KEYBOARD = 1;
const DEVICE_POINTER = 2;
const SOURCE_MONITOR = 1;
const PERSIST_UNTIL_REVOKED = 2;
/** AvailableCursorModes bits. */
const CURSOR_EMBEDDED = 2;
const CURSOR_METADATA = 4;
/** How long an approval dialog may wait for the person at the desktop. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;
/** A request still unanswered after this long is taken to be showing a dialog. */
const WAITING_AFTER_MS = 1_000;

// Given instead of introspected: the request object does not exist yet when
// we subscribe to its Response (subscribing after the call could miss it).
const REQUEST_XML = `<node><interface name="org.freedesktop.portal.Request">
<method name="Close"/>
<signal name="Response"><arg type="u" name="response"/><arg type="a{sv}" name="results"/></signal>
</interface></node>`;

type Results = Record<string, dbus.Variant>;

export interface PortalOptions {
  /** From an earlier session: start without asking again where the portal allows it. */
  restoreToken: string | null;
  timeoutMs?: number;
  approvalTimeoutMs?: number;
  /** Called once when a request has been waiting a while (a dialog is likely on screen). */
  onWaitingForApproval?: (what: string) => void;
  /** false: a screen cast only, even where the portal offers remote desktop (default true). */
  withInput?: boolean;
}

export interface PortalStream {
  nodeId: number;
  width: number;
  height: number;
  /** The PipeWire remote the portal opened for us; null when fds cannot cross this bus (then: the default daemon). */
  pipewireFd: number | null;
  cursor: 'metadata' | 'embedded';
  /** Keep it for the next session; null when the portal gave none (no persistence there). */
  restoreToken: string | null;
  portalVersion: number;
}

export interface PortalSession {
  stream: PortalStream;
  /** Pointer and keyboard into the desktop; null for a cast without remote desktop (or no devices granted). */
  input: MutterRemoteInput | null;
  readonly closedByDesktop: Promise<void>;
  close(): Promise<void>;
}

let tokenCounter = 0;
function newToken(): string {
  tokenCounter += 1;
  return `punktfunk_${process.pid}_${tokenCounter}`;
}

function requestPath(bus: SessionBus, token: string): string {
  // dbus-next keeps the connection's unique name (":1.42") on the bus object; its types omit it.
  const uniqueName = (bus as SessionBus & { name?: string }).name ?? '';
  const sender = uniqueName.replace(/^:/, '').replace(/\./g, '_');
  return `${PORTAL_PATH}/request/${sender}/${token}`;
}

function responseError(what: string, response: number): DesktopError {
  if (response === 1) {
    return new DesktopError(
      'PORTAL_REFUSED',
      `${what}: refused or cancelled at the desktop's approval dialog`,
    );
  }
  return new DesktopError('PORTAL_FAILED', `${what}: the portal ended the request (response ${response})`);
}

interface RequestTiming {
  timeoutMs: number;
  what: string;
  onWaiting?: (what: string) => void;
}

/**
 * One portal request: subscribes to its Response first, then calls
 * `start(handleToken)`, and resolves with the results of a successful answer.
 */
async function portalRequest(
  bus: SessionBus,
  start: (handleToken: string) => Promise<unknown>,
  timing: RequestTiming,
): Promise<Results> {
  const token = newToken();
  const request = (await bus.getProxyObject(PORTAL, requestPath(bus, token), REQUEST_XML)).getInterface(
    'org.freedesktop.portal.Request',
  );
  const answered = new Promise<Results>((resolve, reject) => {
    request.once('Response', (response: number, results: Results) =>
      response === 0 ? resolve(results) : reject(responseError(timing.what, response)),
    );
  });
  const waiting = setTimeout(() => timing.onWaiting?.(timing.what), WAITING_AFTER_MS);
  try {
    await start(token);
    return await withDeadline(answered, timing.timeoutMs, timing.what);
  } finally {
    clearTimeout(waiting);
    request.removeAllListeners('Response');
  }
}

interface PortalInterfaces {
  screenCast: dbus.ClientInterface;
  version: number;
  cursorModes: number;
  /** Null where the portal has no RemoteDesktop, or offers no pointer and keyboard. */
  remoteDesktop: { iface: dbus.ClientInterface; version: number } | null;
}

async function remoteDesktopInterface(object: dbus.ProxyObject): Promise<PortalInterfaces['remoteDesktop']> {
  if (!object.interfaces[REMOTE_DESKTOP]) return null;
  const devices = await getProperty<number>(object, REMOTE_DESKTOP, 'AvailableDeviceTypes');
  if ((devices & (DEVICE_KEYBOARD | DEVICE_POINTER)) === 0) return null;
  const version = await getProperty<number>(object, REMOTE_DESKTOP, 'version');
  return { iface: object.getInterface(REMOTE_DESKTOP), version };
}

async function portalInterfaces(
  bus: SessionBus,
  timeoutMs: number,
  withInput: boolean,
): Promise<PortalInterfaces> {
  if (!(await nameHasOwner(bus, PORTAL, timeoutMs))) {
    throw new DesktopError('PORTAL_UNAVAILABLE', `${PORTAL} does not answer on the session D-Bus`);
  }
  const object = await bus.getProxyObject(PORTAL, PORTAL_PATH);
  if (!object.interfaces[SCREEN_CAST]) {
    throw new DesktopError(
      'PORTAL_UNAVAILABLE',
      'the desktop portal offers no ScreenCast (no backend for this desktop?)',
    );
  }
  const version = await getProperty<number>(object, SCREEN_CAST, 'version');
  const cursorModes = await getProperty<number>(object, SCREEN_CAST, 'AvailableCursorModes');
  const remoteDesktop = withInput ? await remoteDesktopInterface(object) : null;
  return { screenCast: object.getInterface(SCREEN_CAST), version, cursorModes, remoteDesktop };
}

function chooseCursor(cursorModes: number): { mode: number; name: PortalStream['cursor'] } {
  return cursorModes & CURSOR_METADATA
    ? { mode: CURSOR_METADATA, name: 'metadata' }
    : { mode: CURSOR_EMBEDDED, name: 'embedded' };
}

// xdg-desktop-portal refuses the whole request when a restore token is not
// a UUID; a damaged token file must cost one approval, not every cast.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The token to send, or null when it cannot be one the portal issued. */
export function usableRestoreToken(token: string | null): string | null {
  return token !== null && UUID.test(token) ? token : null;
}

function selectSourcesOptions(
  token: string,
  cursorMode: number,
  version: number,
  restoreToken: string | null,
) {
  const options: Record<string, dbus.Variant> = {
    handle_token: new dbus.Variant('s', token),
    types: new dbus.Variant('u', SOURCE_MONITOR),
    multiple: new dbus.Variant('b', false),
    cursor_mode: new dbus.Variant('u', cursorMode),
  };
  // persist_mode and restore_token came with version 4 of the interface.
  return version >= 4 ? { ...options, ...persistOptions(restoreToken) } : options;
}

/** Persist until revoked, and the earlier session's token where it can be one. */
function persistOptions(restoreToken: string | null): Record<string, dbus.Variant> {
  const options: Record<string, dbus.Variant> = {
    persist_mode: new dbus.Variant('u', PERSIST_UNTIL_REVOKED),
  };
  const usable = usableRestoreToken(restoreToken);
  if (usable) options.restore_token = new dbus.Variant('s', usable);
  return options;
}

function selectDevicesOptions(token: string, version: number, restoreToken: string | null) {
  const options: Record<string, dbus.Variant> = {
    handle_token: new dbus.Variant('s', token),
    types: new dbus.Variant('u', DEVICE_KEYBOARD | DEVICE_POINTER),
  };
  // A remote-desktop session persists through SelectDevices (version 2 on), never through SelectSources.
  return version >= 2 ? { ...options, ...persistOptions(restoreToken) } : options;
}

function firstStream(results: Results): { nodeId: number; width: number; height: number } {
  const streams = results.streams?.value as [number, Record<string, dbus.Variant>][] | undefined;
  const first = streams?.[0];
  if (!first)
    throw new DesktopError('PORTAL_FAILED', 'the portal started a screen cast with no stream in it');
  const size = first[1].size?.value as [number, number] | undefined;
  return { nodeId: first[0], width: size?.[0] ?? 0, height: size?.[1] ?? 0 };
}

async function openPipeWireRemote(
  screenCast: dbus.ClientInterface,
  sessionHandle: string,
): Promise<number | null> {
  const fd = await call<unknown>(screenCast, 'OpenPipeWireRemote', sessionHandle, {});
  // Without fd passing on this connection the answer carries no usable fd.
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

async function closeSession(bus: SessionBus, sessionHandle: string): Promise<void> {
  try {
    const session = await bus.getProxyObject(PORTAL, sessionHandle);
    await call(session.getInterface('org.freedesktop.portal.Session'), 'Close');
  } catch {
    // Already closed by the desktop, or the bus is gone: nothing left to close.
  }
}

async function watchSessionClosed(
  bus: SessionBus,
  sessionHandle: string,
): Promise<{ closed: Promise<void> }> {
  const session = await bus.getProxyObject(PORTAL, sessionHandle);
  const iface = session.getInterface('org.freedesktop.portal.Session');
  return { closed: new Promise<void>((resolve) => iface.once('Closed', () => resolve())) };
}

/**
 * CreateSession -> SelectSources (one monitor, cursor as metadata where
 * offered, persist until revoked) -> Start -> OpenPipeWireRemote. Errors:
 * PORTAL_UNAVAILABLE, PORTAL_REFUSED (dialog cancelled), PORTAL_FAILED,
 * DESKTOP_TIMEOUT (no answer; an approval nobody gave in time).
 */
export async function startPortalScreenCast(bus: SessionBus, options: PortalOptions): Promise<PortalSession> {
  try {
    return await startCast(bus, options);
  } catch (error) {
    if (error instanceof DesktopError) throw error;
    throw new DesktopError('PORTAL_FAILED', `portal screen cast: ${(error as Error).message}`);
  }
}

/** The portal's input calls for a started remote-desktop session; absolute positions are on `nodeId`'s stream. */
function portalInput(
  remoteDesktop: dbus.ClientInterface,
  sessionHandle: string,
  nodeId: number,
): MutterRemoteInput {
  const state = (pressed: boolean) => (pressed ? 1 : 0);
  return {
    pointerAbsolute: (x, y) =>
      call(remoteDesktop, 'NotifyPointerMotionAbsolute', sessionHandle, {}, nodeId, x, y),
    pointerRelative: (dx, dy) => call(remoteDesktop, 'NotifyPointerMotion', sessionHandle, {}, dx, dy),
    pointerButton: (button, pressed) =>
      call(remoteDesktop, 'NotifyPointerButton', sessionHandle, {}, button, state(pressed)),
    scrollDiscrete: (axis, steps) =>
      call(remoteDesktop, 'NotifyPointerAxisDiscrete', sessionHandle, {}, axis === 'vertical' ? 0 : 1, steps),
    keysym: (keysym, pressed) =>
      call(remoteDesktop, 'NotifyKeyboardKeysym', sessionHandle, {}, keysym, state(pressed)),
  };
}

interface CastPlan {
  bus: SessionBus;
  portal: PortalInterfaces;
  options: PortalOptions;
  timeoutMs: number;
  cursor: ReturnType<typeof chooseCursor>;
}

async function createSession(plan: CastPlan): Promise<string> {
  const creator = plan.portal.remoteDesktop?.iface ?? plan.portal.screenCast;
  const created = await portalRequest(
    plan.bus,
    (token) =>
      call(creator, 'CreateSession', {
        handle_token: new dbus.Variant('s', token),
        session_handle_token: new dbus.Variant('s', newToken()),
      }),
    { timeoutMs: plan.timeoutMs, what: 'portal CreateSession' },
  );
  return created.session_handle?.value as string;
}

/** SelectDevices (in a remote-desktop session), then SelectSources. */
async function selectDevicesAndSources(plan: CastPlan, sessionHandle: string): Promise<void> {
  const { remoteDesktop, screenCast, version } = plan.portal;
  const quick = { timeoutMs: plan.timeoutMs };
  const restoreToken = plan.options.restoreToken;
  if (remoteDesktop) {
    await portalRequest(
      plan.bus,
      (token) =>
        call(
          remoteDesktop.iface,
          'SelectDevices',
          sessionHandle,
          selectDevicesOptions(token, remoteDesktop.version, restoreToken),
        ),
      { ...quick, what: 'portal SelectDevices' },
    );
  }
  await portalRequest(
    plan.bus,
    (token) =>
      call(
        screenCast,
        'SelectSources',
        sessionHandle,
        // The token and persistence went with SelectDevices in a remote-desktop session.
        selectSourcesOptions(
          token,
          plan.cursor.mode,
          remoteDesktop ? 0 : version,
          remoteDesktop ? null : restoreToken,
        ),
      ),
    { ...quick, what: 'portal SelectSources' },
  );
}

/** Start: the one approval (screen, and pointer and keyboard where asked). */
function startSession(plan: CastPlan, sessionHandle: string): Promise<Results> {
  const starter = plan.portal.remoteDesktop?.iface ?? plan.portal.screenCast;
  const what = plan.portal.remoteDesktop
    ? 'portal Start (remote-desktop approval)'
    : 'portal Start (screen-cast approval)';
  const onWaiting = plan.options.onWaitingForApproval;
  return portalRequest(
    plan.bus,
    (token) => call(starter, 'Start', sessionHandle, '', { handle_token: new dbus.Variant('s', token) }),
    {
      timeoutMs: plan.options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      what,
      ...(onWaiting ? { onWaiting } : {}),
    },
  );
}

async function startCast(bus: SessionBus, options: PortalOptions): Promise<PortalSession> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DBUS_TIMEOUT_MS;
  const portal = await portalInterfaces(bus, timeoutMs, options.withInput ?? true);
  const plan: CastPlan = { bus, portal, options, timeoutMs, cursor: chooseCursor(portal.cursorModes) };
  const sessionHandle = await createSession(plan);
  try {
    const { closed: closedByDesktop } = await watchSessionClosed(bus, sessionHandle);
    await selectDevicesAndSources(plan, sessionHandle);
    const started = await startSession(plan, sessionHandle);
    const pipewireFd = await withDeadline(
      openPipeWireRemote(portal.screenCast, sessionHandle),
      timeoutMs,
      'OpenPipeWireRemote',
    );
    const restoreToken = (started.restore_token?.value as string | undefined) ?? null;
    const stream = {
      ...firstStream(started),
      pipewireFd,
      cursor: plan.cursor.name,
      restoreToken,
      portalVersion: portal.version,
    };
    const devices = (started.devices?.value as number | undefined) ?? 0;
    const input =
      portal.remoteDesktop && devices !== 0
        ? portalInput(portal.remoteDesktop.iface, sessionHandle, stream.nodeId)
        : null;
    return { stream, input, closedByDesktop, close: () => closeSession(bus, sessionHandle) };
  } catch (error) {
    await closeSession(bus, sessionHandle);
    throw error;
  }
}
