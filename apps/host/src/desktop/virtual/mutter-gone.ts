// When a GNOME virtual monitor goes away without us: Mutter closed its
// session (it stopped the stream), Mutter left the bus (it quit or crashed:
// then no Closed signal comes), or our bus connection failed. Resolves with
// the first reason, for the session's closedByDesktop.
import type { MutterSession } from '../wayland/mutter-session.js';
import { nameHasOwner, type SessionBus } from '../wayland/session-bus.js';

const REMOTE_DESKTOP = 'org.gnome.Mutter.RemoteDesktop';
const LEFT = 'mutter left the session D-Bus (it quit or crashed)';

export function watchMutterGone(bus: SessionBus, session: MutterSession): Promise<string> {
  return new Promise<string>((resolve) => {
    void session.closedByDesktop.then(() => resolve('mutter closed the virtual monitor'));
    bus.once('error', (error: Error) => resolve(`the session D-Bus connection failed: ${error.message}`));
    const watch = async () => {
      const object = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
      object
        .getInterface('org.freedesktop.DBus')
        .on('NameOwnerChanged', (name: string, _old: string, owner: string) => {
          if (name === REMOTE_DESKTOP && owner === '') resolve(LEFT);
        });
      // Asked after the match rule went out (one connection's messages stay in
      // order): Mutter gone before the rule took effect is caught here.
      if (!(await nameHasOwner(bus, REMOTE_DESKTOP))) resolve(LEFT);
    };
    watch().catch((error: Error) => resolve(`the session D-Bus does not answer: ${error.message}`));
  });
}
