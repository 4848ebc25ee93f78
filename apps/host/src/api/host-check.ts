// DNS rebinding guard for the plain-HTTP listener: a web page on another
// site can point its own name at 127.0.0.1 and then talk to the console as a
// same-origin page. The browser still sends that site's name as Host, so only
// requests naming this machine are served: loopback names, the address the
// connection arrived on (an address typed by hand cannot be rebound) and the
// names in PUNKTFUNK_MGMT_HOSTS. The TLS listener needs no guard: a
// rebound name fails the certificate check in the browser.
import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context.js';
import { ApiError } from './errors.js';

const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The name or address in a Host header, without its port; IPv6 without brackets; lower case. */
export function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return value.slice(1, end === -1 ? undefined : end);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

function plainAddress(address: string | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function checkHost(allowedHosts: readonly string[]): MiddlewareHandler<ApiEnv> {
  const allowed = new Set([...LOOPBACK_HOSTS, ...allowedHosts.map((name) => hostOf(name))]);
  return async (c, next) => {
    const incoming = c.env?.incoming;
    if (incoming?.socket instanceof TLSSocket) return next();
    // Under app.request() (tests) there is no Node request; the URL carries the host.
    const header = incoming ? (incoming.headers.host ?? '') : new URL(c.req.url).host;
    const host = hostOf(header);
    const arrivedOn = plainAddress(incoming?.socket.localAddress);
    const isArrivalAddress = arrivedOn !== null && isIP(host) !== 0 && host === arrivedOn.toLowerCase();
    if (!allowed.has(host) && !isArrivalAddress) {
      throw new ApiError(
        421,
        `this host does not answer to the name '${header.slice(0, 100)}': open it as localhost or 127.0.0.1, ` +
          'or add the name to PUNKTFUNK_MGMT_HOSTS',
      );
    }
    return next();
  };
}
