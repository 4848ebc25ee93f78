// Shared by the HTTP and HTTPS lanes: turning a Node request into a
// RequestInfo, writing the XML reply, listening and closing.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type GameStreamContext, handleGameStreamRequest, type Lane } from './requests.js';

/**
 * Pairing sends the client certificate hex-encoded in the URL (about 2.3 kB,
 * up to the 16 kB the validator accepts); Node's 16 kB default header limit
 * would cut that off with a bare 431 before the validator could answer in XML.
 */
export const MAX_REQUEST_HEADER_BYTES = 32 * 1024;

export function serveRequests(
  server: Server,
  ctx: GameStreamContext,
  lane: Lane,
  peerFingerprint: (req: IncomingMessage) => string | null,
): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const gone = new AbortController();
    // 'close' after the reply is normal; before it, the client gave up waiting.
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    void handleGameStreamRequest(ctx, {
      lane,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      peerFingerprint: peerFingerprint(req),
      localAddress: req.socket.localAddress ?? '',
      remoteAddress: req.socket.remoteAddress ?? '',
      clientGone: gone.signal,
    }).then((reply) => {
      if (res.destroyed) return;
      res.writeHead(reply.httpStatus, {
        'Content-Type': 'application/xml; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(reply.body);
    });
  });
}

export class GameStreamListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GameStreamListenError';
  }
}

export function listen(server: Server, port: number, bind: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `failed (${error.code ?? error.message})`;
      reject(new GameStreamListenError(`${what} ${bind}:${port} ${why}`));
    };
    server.once('error', onError);
    server.listen(port, bind, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // A pairing request may be held open waiting for the PIN.
    server.closeAllConnections();
  });
}
