// Who may call what. Default deny: the middleware runs before every /api/v1
// route, and only the operator's bearer token opens them all. A paired
// client's certificate (TLS lane only) opens the short read-only list below,
// never a stats route. The token is never accepted in a URL; the event stream
// (EventSource cannot send headers) takes a single-use ticket instead, good
// for the one stream it was issued for. Wrong tokens back off per address
// (token-backoff.ts). Only the liveness route is open to anyone.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import { API_BASE_PATH, type EventsTicketResponse } from '@punktfunk/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { certificateFingerprint } from '../identity/certificate.js';
import type { ApiEnv, Principal } from './context.js';
import { ApiError } from './errors.js';
import { TokenBackoff } from './token-backoff.js';

/** The only routes a paired client's certificate opens (GET/HEAD). */
export const PAIRED_CLIENT_READ_ALLOWLIST: readonly string[] = [
  `${API_BASE_PATH}/health`,
  `${API_BASE_PATH}/status`,
];
export const CAPTURE_EVENTS_PATH = `${API_BASE_PATH}/stats/capture/events`;
export const PAIRING_EVENTS_PATH = `${API_BASE_PATH}/pairing/events`;
/** The only routes that accept `?ticket=`: the event streams the console opens with EventSource. */
export const TICKET_ROUTES: readonly string[] = [CAPTURE_EVENTS_PATH, PAIRING_EVENTS_PATH];
/** Open without credentials (GET/HEAD): says the process answers, nothing more. */
export const LIVENESS_PATH = `${API_BASE_PATH}/live`;

export const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="punktfunk"' };
// A ticket lives long enough for the console to open the stream right after asking.
const TICKET_TTL_MS = 30_000;
// Unredeemed tickets are few; the cap only bounds memory against a runaway client.
const MAX_LIVE_TICKETS = 64;

export function sha256(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
export function tokenMatches(expectedDigest: Buffer, presented: string): boolean {
  return timingSafeEqual(expectedDigest, sha256(presented));
}

export class EventTickets {
  /** sha256(ticket) hex → the stream it opens and its expiry (ms on nowMs's clock). */
  private readonly live = new Map<string, { stream: string; expiryMs: number }>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** A ticket for one event stream (its path, one of TICKET_ROUTES). */
  issue(stream: string): EventsTicketResponse {
    const now = this.nowMs();
    for (const [key, { expiryMs }] of this.live) if (expiryMs <= now) this.live.delete(key);
    const oldest = this.live.keys().next();
    if (this.live.size >= MAX_LIVE_TICKETS && !oldest.done) this.live.delete(oldest.value);
    const ticket = randomBytes(32).toString('hex');
    this.live.set(sha256(ticket).toString('hex'), { stream, expiryMs: now + TICKET_TTL_MS });
    return { ticket, expiresInMs: TICKET_TTL_MS };
  }

  /** True once per issued ticket, within its lifetime, for the stream it was issued for. */
  redeem(ticket: string, stream: string): boolean {
    const key = sha256(ticket).toString('hex');
    const entry = this.live.get(key);
    this.live.delete(key);
    return entry !== undefined && entry.stream === stream && entry.expiryMs > this.nowMs();
  }
}

/** SHA-256 (hex) of the client certificate presented on this TLS connection, if any. */
export function peerFingerprint(env: ApiEnv['Bindings'] | undefined): string | null {
  const socket = env?.incoming?.socket;
  if (!(socket instanceof TLSSocket)) return null;
  const cert = socket.getPeerCertificate();
  return cert?.raw ? certificateFingerprint(cert.raw) : null;
}

export interface AuthOptions {
  token: string;
  pairedClients: { has(fingerprint: string): boolean };
  tickets: EventTickets;
  /** Wrong tokens per source address; default: a fresh table on the real clock. */
  backoff?: TokenBackoff;
}

/** Checks `Authorization: Bearer` against the tokens (their digests); a wrong one backs off its address. */
export function checkBearer(
  c: Context<ApiEnv>,
  header: string,
  tokenDigests: readonly Buffer[],
  backoff: TokenBackoff,
): void {
  const address = c.env?.incoming?.socket.remoteAddress;
  const waitMs = backoff.retryAfterMs(address);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new ApiError(429, `too many wrong tokens from this address; try again in ${seconds} s`, {
      'Retry-After': String(seconds),
    });
  }
  // A wrong token is refused even when a paired certificate came with it.
  const match = /^Bearer +(\S+) *$/i.exec(header);
  const presented = match?.[1];
  // Every digest is compared (no early exit): the time does not tell which token was close.
  const matches = presented ? tokenDigests.map((digest) => tokenMatches(digest, presented)) : [];
  if (!matches.includes(true)) {
    backoff.failed(address);
    throw new ApiError(401, 'invalid bearer token', CHALLENGE);
  }
  backoff.succeeded(address);
}

function identify(
  c: Context<ApiEnv>,
  options: AuthOptions,
  tokenDigest: Buffer,
  backoff: TokenBackoff,
): Principal {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    checkBearer(c, header, [tokenDigest], backoff);
    return 'operator';
  }
  const ticket = c.req.query('ticket');
  if (ticket !== undefined && TICKET_ROUTES.includes(c.req.path) && c.req.method === 'GET') {
    if (!options.tickets.redeem(ticket, c.req.path)) {
      throw new ApiError(401, 'invalid or expired ticket', CHALLENGE);
    }
    return 'operator';
  }
  const fingerprint = peerFingerprint(c.env);
  if (fingerprint !== null && options.pairedClients.has(fingerprint)) return 'paired-client';
  throw new ApiError(401, 'missing credentials: send Authorization: Bearer <token>', CHALLENGE);
}

export function authenticate(options: AuthOptions): MiddlewareHandler<ApiEnv> {
  const tokenDigest = sha256(options.token);
  const backoff = options.backoff ?? new TokenBackoff();
  return async (c, next) => {
    const isRead = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (isRead && c.req.path === LIVENESS_PATH) return next();
    const principal = identify(c, options, tokenDigest, backoff);
    if (principal === 'paired-client' && !(isRead && PAIRED_CLIENT_READ_ALLOWLIST.includes(c.req.path))) {
      throw new ApiError(
        403,
        'a paired client certificate opens only health and status; this needs the token',
      );
    }
    c.set('principal', principal);
    await next();
  };
}
