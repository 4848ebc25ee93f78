// One guard per listener, shared by every TCP port of the host (pf1 control,
// GameStream HTTP/HTTPS/RTSP, management HTTP/TLS). It sees each TCP
// connection before TLS or HTTP code does and
// - refuses it when its source address already holds maxPerAddress
//   connections on this listener, or when maxUnauthenticated connections are
//   still waiting for their first request (or hello);
// - refuses it beyond maxNewPerSecond new connections a second;
// - cuts a connection that has not completed its first request within
//   firstRequestTimeoutMs of the accept (TLS handshake included);
// - cuts a TLS handshake after handshakeTimeoutMs (Node reports its own
//   timeout but leaves the socket open) and any failed handshake.
// A loopback reserve lets the operator's console on the management listener
// in even while the caps are reached (issue 17, fault 1).
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import type { ConnectionLimits } from '../config/index.js';
import type { PeerFailureKind, PeerFailureLog } from './peer-failures.js';

/** What a service passes to each of its listeners' guards. */
export interface GuardSettings {
  limits: ConnectionLimits;
  failures: PeerFailureLog;
}

export interface ConnectionGuardOptions extends GuardSettings {
  /** The listener's name in the failure summary ("pf1 control", "GameStream HTTPS"). */
  listener: string;
}

interface Tracked {
  address: string;
  greeted: boolean;
  deadline: NodeJS.Timeout;
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The same TCP connection whether seen as the raw socket or the TLS socket over it. */
function connectionKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

export class ConnectionGuard {
  private readonly tracked = new Map<string, Tracked>();
  private readonly perAddress = new Map<string, number>();
  private unauthenticated = 0;
  private readonly refused = new WeakSet<Socket>();
  /** Token bucket of new connections: refilled at maxNewPerSecond, holding at most that many. */
  private newTokens: number;
  private tokensAtMs = Date.now();

  constructor(private readonly o: ConnectionGuardOptions) {
    this.newTokens = o.limits.maxNewPerSecond;
  }

  /** Connections open now, and those of them still before their first request. */
  counts(): { open: number; unauthenticated: number } {
    return { open: this.tracked.size, unauthenticated: this.unauthenticated };
  }

  note(kind: PeerFailureKind): void {
    this.o.failures.note(this.o.listener, kind);
  }

  /** A failure with its own log line (up to a few per interval; counted after). */
  detail(kind: PeerFailureKind, line: string): void {
    this.o.failures.detail(this.o.listener, kind, line);
  }

  /** A plain TCP listener (RTSP): the guard sees each connection first. */
  watch(server: NetServer): void {
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
  }

  /** A TLS listener: connection caps, and every failed or slow handshake cut and counted. */
  watchTls(server: TlsServer): void {
    this.watch(server);
    server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
      this.noteUnlessRefused(socket, failureOf(error));
      socket.destroy();
    });
  }

  /** An HTTP(S) listener: caps, header and request timeouts, malformed requests counted. */
  watchHttp(server: HttpServer): void {
    this.watch(server);
    applyHttpTimeouts(server, this.o.limits);
    server.on('request', (req: IncomingMessage, _res: ServerResponse) => this.greeted(req.socket));
    // HTTPS passes its TLS errors (handshake timeout included) on as 'clientError' too: handled here once.
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      this.noteUnlessRefused(socket, failureOf(error));
      if (isHttpParseError(error) && socket.writable) socket.write(httpErrorReply(error));
      socket.destroy();
    });
  }

  /** Node still wraps a refused connection in TLS, which then reports the reset: counted once, as refused. */
  private noteUnlessRefused(socket: Socket, kind: PeerFailureKind): void {
    const raw = (socket as Socket & { _parent?: Socket })._parent ?? socket;
    if (!this.refused.has(raw)) this.note(kind);
  }

  /** The connection completed its first request (or hello): it no longer counts as unauthenticated. */
  greeted(socket: Socket): void {
    const entry = this.tracked.get(connectionKey(socket));
    if (!entry || entry.greeted) return;
    entry.greeted = true;
    clearTimeout(entry.deadline);
    this.unauthenticated--;
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy();
      return;
    }
    const { limits } = this.o;
    const reserve = isLoopbackAddress(address) ? limits.loopbackReserve : 0;
    const fromAddress = this.perAddress.get(address) ?? 0;
    const refusal: PeerFailureKind | null =
      fromAddress >= limits.maxPerAddress + reserve
        ? 'refused: per-address cap'
        : this.unauthenticated >= limits.maxUnauthenticated + reserve
          ? 'refused: unauthenticated cap'
          : reserve === 0 && !this.takeNewToken()
            ? 'refused: connection rate'
            : null;
    if (refusal) {
      this.refuse(socket, refusal);
      return;
    }
    const key = connectionKey(socket);
    const deadline = setTimeout(() => {
      this.note('no first request in time');
      socket.destroy();
    }, limits.firstRequestTimeoutMs);
    this.tracked.set(key, { address, greeted: false, deadline });
    this.perAddress.set(address, fromAddress + 1);
    this.unauthenticated++;
    socket.once('close', () => this.forget(key));
  }

  private takeNewToken(): boolean {
    const nowMs = Date.now();
    const rate = this.o.limits.maxNewPerSecond;
    this.newTokens = Math.min(rate, this.newTokens + ((nowMs - this.tokensAtMs) * rate) / 1000);
    this.tokensAtMs = nowMs;
    if (this.newTokens < 1) return false;
    this.newTokens--;
    return true;
  }

  private refuse(socket: Socket, kind: PeerFailureKind): void {
    this.note(kind);
    this.refused.add(socket);
    // A reset, not a close handshake: the refused peer costs no lingering socket.
    socket.resetAndDestroy();
  }

  private forget(key: string): void {
    const entry = this.tracked.get(key);
    if (!entry) return;
    this.tracked.delete(key);
    clearTimeout(entry.deadline);
    if (!entry.greeted) this.unauthenticated--;
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
  }
}

/**
 * Node's own HTTP timers: the headers of every request (the first and each
 * keep-alive one) and its whole body must arrive within the first-request
 * limit. A response may take as long as it needs (Moonlight's pairing holds
 * one open while the operator types the PIN; event streams never end):
 * these timers stop once the request has been read.
 */
function applyHttpTimeouts(server: HttpServer, limits: ConnectionLimits): void {
  server.headersTimeout = limits.firstRequestTimeoutMs;
  server.requestTimeout = limits.firstRequestTimeoutMs;
  // Node checks the two timers above on this interval (default 30 s, too coarse).
  (server as HttpServer & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1000,
    limits.firstRequestTimeoutMs,
  );
}

function failureOf(error: NodeJS.ErrnoException): PeerFailureKind {
  if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'TLS handshake timed out';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'connection error';
  if (isHttpParseError(error)) return 'malformed request';
  return 'TLS handshake failed';
}

function isHttpParseError(error: NodeJS.ErrnoException): boolean {
  return error.code?.startsWith('HPE_') === true || error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
}

/** What Node answers by itself when no 'clientError' listener is set. */
function httpErrorReply(error: NodeJS.ErrnoException): string {
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;
}

/** The TLS server option that makes Node report a handshake timeout (the guard then cuts it). */
export function tlsHandshakeOptions(limits: ConnectionLimits): { handshakeTimeout: number } {
  return { handshakeTimeout: limits.handshakeTimeoutMs };
}
