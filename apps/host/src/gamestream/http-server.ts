// GameStream's plain-HTTP lane (default 47989): serverinfo, the pairing
// phases 1-4 and unpair. Nothing here can prove who the client is.
import { createServer, type Server } from 'node:http';
import { ConnectionGuard, type GuardSettings } from '../net/connection-guard.js';
import { listen, MAX_REQUEST_HEADER_BYTES, serveRequests } from './listen.js';
import type { GameStreamContext } from './requests.js';

export async function startGameStreamHttp(
  ctx: GameStreamContext,
  port: number,
  bind: string,
  guard: GuardSettings,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ maxHeaderSize: MAX_REQUEST_HEADER_BYTES });
  new ConnectionGuard({ listener: 'GameStream HTTP', ...guard }).watchHttp(server);
  serveRequests(server, ctx, 'http', () => null);
  return { server, port: await listen(server, port, bind, 'GameStream HTTP port (PUNKTFUNK_GS_HTTP_PORT)') };
}
