// GameStream's HTTPS lane (default 47984) with the host certificate. A
// client certificate is requested on every handshake but not required: an
// unpaired client still reads serverinfo (PairStatus 0) and runs phase 5.
// Whether a client is paired is decided per request from the certificate
// on that very connection, never from an earlier one.
import { constants } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import { certificateFingerprint } from '../identity/certificate.js';
import { ConnectionGuard, type GuardSettings, tlsHandshakeOptions } from '../net/connection-guard.js';
import { listen, MAX_REQUEST_HEADER_BYTES, serveRequests } from './listen.js';
import type { GameStreamContext } from './requests.js';

function peerFingerprint(req: IncomingMessage): string | null {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return null;
  const cert = socket.getPeerCertificate();
  return cert?.raw ? certificateFingerprint(cert.raw) : null;
}

export async function startGameStreamHttps(
  ctx: GameStreamContext,
  o: { port: number; bind: string; certPem: string; keyPem: string; guard: GuardSettings },
): Promise<{ server: Server; port: number }> {
  const server = createServer({
    cert: o.certPem,
    key: o.keyPem,
    maxHeaderSize: MAX_REQUEST_HEADER_BYTES,
    requestCert: true,
    // Client certificates are self-signed; they are checked against the
    // paired store, not a CA, so the handshake must not reject them.
    rejectUnauthorized: false,
    // No session tickets: every connection makes a full handshake, so the
    // certificate checked is one the client proved it holds right there.
    secureOptions: constants.SSL_OP_NO_TICKET,
    ...tlsHandshakeOptions(o.guard.limits),
  }) as unknown as Server;
  new ConnectionGuard({ listener: 'GameStream HTTPS', ...o.guard }).watchHttp(server);
  serveRequests(server, ctx, 'https', peerFingerprint);
  return {
    server,
    port: await listen(server, o.port, o.bind, 'GameStream HTTPS port (PUNKTFUNK_GS_HTTPS_PORT)'),
  };
}
