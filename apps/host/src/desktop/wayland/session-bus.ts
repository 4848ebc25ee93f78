// The desktop's session D-Bus, where GNOME's screen-cast and remote-desktop
// APIs and the XDG desktop portal answer. Every call here has a deadline: a
// bus that accepts the connection but never answers (a wedged compositor)
// must end in a clear error, never a session that waits forever.
import dbus from 'dbus-next';

export type DesktopErrorCode =
  | 'DBUS_UNAVAILABLE'
  | 'MUTTER_UNAVAILABLE'
  | 'MUTTER_FAILED'
  | 'PORTAL_UNAVAILABLE'
  | 'PORTAL_REFUSED'
  | 'PORTAL_FAILED'
  | 'DESKTOP_API_MISMATCH'
  /** wlr: no compositor at WAYLAND_DISPLAY, one without screencopy, no such output. */
  | 'WLR_UNAVAILABLE'
  | 'DESKTOP_TIMEOUT';

/** A desktop backend could not be used; `code` says which way. */
export class DesktopError extends Error {
  override readonly name = 'DesktopError';
  constructor(
    readonly code: DesktopErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type SessionBus = dbus.MessageBus;
export const DEFAULT_DBUS_TIMEOUT_MS = 5_000;

/** Rejects with DESKTOP_TIMEOUT when `work` has not settled after `timeoutMs`. */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DesktopError('DESKTOP_TIMEOUT', `${what}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to the session bus at `address` (default DBUS_SESSION_BUS_ADDRESS)
 * and proves it answers (a Ping to the bus itself), so a dead address fails
 * here with its reason instead of later inside some method call.
 */
export async function connectSessionBus(
  address: string | undefined = process.env.DBUS_SESSION_BUS_ADDRESS,
  timeoutMs = DEFAULT_DBUS_TIMEOUT_MS,
): Promise<SessionBus> {
  if (!address) {
    throw new DesktopError('DBUS_UNAVAILABLE', 'no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)');
  }
  // Unix-fd negotiation: the portal hands over its PipeWire remote as an fd.
  const options = { busAddress: address, negotiateUnixFd: true } as dbus.SessionBusOptions;
  const bus = dbus.sessionBus(options);
  const failed = new Promise<never>((_, reject) => {
    bus.once('error', (error: Error) =>
      reject(new DesktopError('DBUS_UNAVAILABLE', `session D-Bus ${address}: ${error.message}`)),
    );
  });
  try {
    const busObject = bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    await withDeadline(Promise.race([busObject, failed]), timeoutMs, `session D-Bus ${address}`);
    return bus;
  } catch (error) {
    bus.disconnect();
    throw error;
  }
}

/** True when some process owns `name` on the bus right now. */
export async function nameHasOwner(bus: SessionBus, name: string, timeoutMs = DEFAULT_DBUS_TIMEOUT_MS) {
  const busObject = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
  const busInterface = busObject.getInterface('org.freedesktop.DBus');
  return withDeadline(call<boolean>(busInterface, 'NameHasOwner', name), timeoutMs, `NameHasOwner ${name}`);
}

/** Calls `method` on a remote interface; a method the remote side does not offer is a clear error. */
export function call<T = unknown>(
  iface: dbus.ClientInterface,
  method: string,
  ...args: unknown[]
): Promise<T> {
  const member = iface[method];
  if (typeof member !== 'function') {
    return Promise.reject(
      new DesktopError('DESKTOP_API_MISMATCH', `${iface.$name} has no method ${method} (another version?)`),
    );
  }
  return member.apply(iface, args) as Promise<T>;
}

/** One property of a remote object, unwrapped from its variant. */
export async function getProperty<T>(object: dbus.ProxyObject, iface: string, name: string): Promise<T> {
  const properties = object.getInterface('org.freedesktop.DBus.Properties');
  const variant = await call<dbus.Variant<T>>(properties, 'Get', iface, name);
  return variant.value;
}

export { dbus };
