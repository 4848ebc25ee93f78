// The punktfunk/1 control server: TLS with the host's certificate. Clients
// on loopback are let in without pairing (unless switched off); any other
// client must present a certificate that has been paired with the host.
import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { encodeFrame } from '@punktfunk/protocol';
import { ConnectionGuard, type GuardSettings, tlsHandshakeOptions } from '../net/connection-guard.js';
import { ControlConnection, type ControlConnectionDeps } from './control-connection.js';

export interface ControlServerOptions extends ControlConnectionDeps {
  cert: string;
  key: string;
  port: number;
  bind: string;
  loopbackWithoutPairing: boolean;
  /** Whether a client certificate (SHA-256 fingerprint, hex) is paired. */
  isPaired(fingerprint256: string): boolean;
  /** Handshake and first-hello timeouts, connection caps, the peer-failure summary. */
  guard: GuardSettings;
}

/** How long a refused client may take to read the refusal before it is cut off. */
const REFUSED_LINGER_MS = 5000;
const SHUTDOWN_GRACE_MS = 2000;

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** `::ffff:1.2.3.4` → `1.2.3.4`: UDP sends to the plain IPv4 form. */
export function plainAddress(address: string): string {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(v4) ? v4 : address;
}

export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<ControlConnection>();
  private readonly sockets = new Set<TLSSocket>();
  private readonly guard: ConnectionGuard;

  constructor(private readonly o: ControlServerOptions) {
    this.server = createServer({
      cert: o.cert,
      key: o.key,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      ...tlsHandshakeOptions(o.guard.limits),
    });
    this.guard = new ConnectionGuard({ listener: 'pf1 control', ...o.guard });
    this.guard.watchTls(this.server);
    this.server.on('secureConnection', (socket) => this.admit(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.bind, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.o.port);
      });
    });
  }

  private admit(socket: TLSSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const remote = plainAddress(socket.remoteAddress ?? '');
    const fingerprint = socket.getPeerCertificate()?.fingerprint256?.replaceAll(':', '').toLowerCase() ?? '';
    const admitted =
      (this.o.loopbackWithoutPairing && isLoopback(remote)) ||
      (fingerprint !== '' && this.o.isPaired(fingerprint));
    if (!admitted && !this.o.pairing) {
      this.refuse(socket);
      return;
    }
    const peer = { address: remote, fingerprint, admitted };
    const connection = new ControlConnection(socket, peer, randomUUID().slice(0, 8), this.o, {
      greeted: () => this.guard.greeted(socket),
      failedBeforeGreeting: (kind) => this.guard.note(kind),
      failedAfterGreeting: (kind, line) => this.guard.detail(kind, line),
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  private refuse(socket: TLSSocket): void {
    this.guard.note('refused: not paired');
    socket.end(
      encodeFrame({ type: 'error', message: 'pairing required: this client is not paired with the host' }),
    );
    // Read (and discard) what the client already sent, or its FIN is never
    // seen and the socket, and the server's close(), would wait forever.
    socket.resume();
    socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.shutdown();
    // Clients get a moment to read their 'stopped' message; then whatever is
    // still open is cut, so shutting down never hangs on a silent peer.
    const cutOff = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, SHUTDOWN_GRACE_MS);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    clearTimeout(cutOff);
  }
}
