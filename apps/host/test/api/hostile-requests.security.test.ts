// The management API against requests a hostile or broken peer sends, on
// real sockets on loopback: bodies far over the limit, bodies cut off,
// Host headers of a rebound DNS name, floods of wrong tokens.
import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenBackoff } from '../../src/api/index.js';
import { FREE_WRONG_TOKENS } from '../../src/api/token-backoff.js';
import { type ListeningApi, listeningApi, TOKEN } from './helpers.js';
import { openRequest, type RawReply, sendUntilAnswered, writeAll } from './raw-http.js';

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let api: ListeningApi;
let clockMs: number;
const infoLines: string[] = [];
const errorLines: string[] = [];

beforeEach(async () => {
  clockMs = 0;
  infoLines.length = 0;
  errorLines.length = 0;
  api = await listeningApi({
    allowedHosts: ['punktfunk.lan'],
    log: { info: (line) => infoLines.push(line), error: (line) => errorLines.push(line) },
    auth: { token: TOKEN, pairedClients: { has: () => false }, backoff: new TokenBackoff(() => clockMs) },
  });
});
afterEach(async () => {
  await api.cleanup();
});

function port(): string {
  return new URL(api.servers.httpUrl).port;
}

function post(path: string, headers: Record<string, string>, localAddress?: string) {
  return openRequest(
    api.servers.httpUrl,
    { method: 'POST', path: `/api/v1${path}`, headers: { host: `127.0.0.1:${port()}`, ...headers } },
    localAddress,
  );
}

async function get(
  path: string,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<RawReply> {
  const exchange = openRequest(
    api.servers.httpUrl,
    { method: 'GET', path, headers: { host: `127.0.0.1:${port()}`, connection: 'close', ...headers } },
    localAddress,
  );
  return exchange.reply.finally(() => exchange.socket.destroy());
}

function httpsGet(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, api.servers.httpsUrl),
      { headers: { host }, rejectUnauthorized: false, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const jsonType = { 'content-type': 'application/json' };

describe('one body limit on every route', () => {
  it.each([
    '/pairing/gamestream/pin',
    '/pairing/00000000-0000-4000-8000-000000000000/pin',
    '/stats/capture/start',
  ])('a 50 MB POST to %s with the token is refused with 413 before the body is read', async (path) => {
    const total = 50 * MB;
    const exchange = post(path, { ...bearer, ...jsonType, 'content-length': String(total) });
    const { reply, sentBytes } = await sendUntilAnswered(exchange, CHUNK, total);
    exchange.socket.destroy();
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({
      error: 'the body is larger than 65536 bytes, the limit of every route but the recording import',
    });
    // Answered on the Content-Length alone: the body was never waited for.
    expect(sentBytes).toBeLessThan(total);
  });

  it('a chunked body is cut off once it passes the limit, before it ends', async () => {
    const total = 4 * MB;
    const exchange = post('/pairing/gamestream/pin', {
      ...bearer,
      ...jsonType,
      'transfer-encoding': 'chunked',
    });
    const frame = (chunk: Buffer) =>
      Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const { reply, sentBytes } = await sendUntilAnswered(exchange, CHUNK, total, frame);
    if (sentBytes >= total) await writeAll(exchange.socket, '0\r\n\r\n');
    exchange.socket.destroy();
    expect(reply.status).toBe(413);
    expect(sentBytes).toBeLessThan(total);
  });
});

describe('a client that goes away mid-request', () => {
  it('(a client that stays gets its error as usual)', async () => {
    const body = '{"pin":"1234"}';
    const exchange = post('/pairing/gamestream/pin', {
      ...bearer,
      ...jsonType,
      'content-length': String(body.length),
    });
    await writeAll(exchange.socket, body);
    const reply = await exchange.reply;
    exchange.socket.destroy();
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.body)).toEqual({ error: 'no pairing request is waiting for a PIN' });
    expect(infoLines).toEqual([]);
  });

  it('is one info line, not an error with a stack trace', async () => {
    const cutOff: [Record<string, string>, string][] = [
      [{ 'content-length': '1000' }, '{"pin":'],
      [{ 'transfer-encoding': 'chunked' }, '7\r\n{"pin":\r\n'],
    ];
    for (const [headers, partial] of cutOff) {
      const exchange = post('/pairing/gamestream/pin', { ...bearer, ...jsonType, ...headers });
      await writeAll(exchange.socket, partial);
      exchange.socket.destroy();
    }
    // The host notices each closed socket on its own turn.
    while (infoLines.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(infoLines).toEqual([
      'POST /api/v1/pairing/gamestream/pin: the client closed the connection mid-request',
      'POST /api/v1/pairing/gamestream/pin: the client closed the connection mid-request',
    ]);
    expect(errorLines).toEqual([]);
  });
});

describe('the Host header on the plain-HTTP listener (DNS rebinding)', () => {
  it.each([
    'localhost',
    'localhost:PORT',
    '127.0.0.1:PORT',
    '[::1]:PORT',
    'LOCALHOST:PORT',
    'punktfunk.lan:PORT',
  ])('answers Host %s', async (host) => {
    const headers = { host: host.replace('PORT', port()), ...bearer };
    expect((await get('/api/v1/status', headers)).status).toBe(200);
    expect((await get('/', headers)).status).toBe(200);
  });

  it.each(['evil.example:PORT', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:PORT'])(
    'refuses Host %j with 421 and says what to do, for the API and the console alike',
    async (host) => {
      const headers = { host: host.replace('PORT', port()), ...bearer };
      for (const path of ['/api/v1/status', '/api/v1/live', '/']) {
        const reply = await get(path, headers);
        expect(reply.status).toBe(421);
        expect(JSON.parse(reply.body).error).toMatch(
          /does not answer to the name .*: open it as localhost or 127\.0\.0\.1, or add the name to PUNKTFUNK_MGMT_HOSTS/,
        );
      }
    },
  );

  it('the TLS listener is not subject to it (a rebound name fails the certificate check)', async () => {
    expect((await httpsGet('/api/v1/live', 'evil.example')).status).toBe(200);
  });
});

describe('wrong tokens back off per source address', () => {
  const wrong = { authorization: `Bearer ${TOKEN}-wrong` };

  it(`${FREE_WRONG_TOKENS} wrong tokens are free; then the address gets 429 with Retry-After, even for the right token`, async () => {
    for (let i = 0; i <= FREE_WRONG_TOKENS; i++) {
      expect((await get('/api/v1/status', wrong, '127.0.0.2')).status).toBe(401);
    }
    // Backed off: nothing from this address is compared, so no answer tells a right guess from a wrong one.
    for (const headers of [wrong, bearer]) {
      const reply = await get('/api/v1/status', headers, '127.0.0.2');
      expect(reply.status).toBe(429);
      expect(reply.headers['retry-after']).toBe('1');
      expect(JSON.parse(reply.body).error).toBe('too many wrong tokens from this address; try again in 1 s');
    }
    // Another address is not held up, and liveness needs no token at all.
    expect((await get('/api/v1/status', bearer, '127.0.0.1')).status).toBe(200);
    expect((await get('/api/v1/live', {}, '127.0.0.2')).status).toBe(200);
    // Each further wrong token doubles the wait.
    clockMs += 1000;
    expect((await get('/api/v1/status', wrong, '127.0.0.2')).status).toBe(401);
    expect((await get('/api/v1/status', bearer, '127.0.0.2')).headers['retry-after']).toBe('2');
    clockMs += 2000;
    // The right token after the wait works and clears the count.
    expect((await get('/api/v1/status', bearer, '127.0.0.2')).status).toBe(200);
    expect((await get('/api/v1/status', wrong, '127.0.0.2')).status).toBe(401);
  });

  it('a flood of wrong tokens from loopback is answered 429 without comparing, and stays bounded', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const status = (await get('/api/v1/status', wrong)).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({
      401: FREE_WRONG_TOKENS + 1,
      429: 200 - FREE_WRONG_TOKENS - 1,
    });
  });
});

describe('liveness without credentials', () => {
  it('GET /api/v1/live answers {"status":"ok"} on both listeners and nothing more', async () => {
    const plain = await get('/api/v1/live');
    expect(plain.status).toBe(200);
    expect(plain.body).toBe('{"status":"ok"}');
    const tls = await httpsGet('/api/v1/live', 'localhost');
    expect(tls).toEqual({ status: 200, body: '{"status":"ok"}' });
  });

  it('health and status stay behind the token', async () => {
    for (const path of ['/api/v1/health', '/api/v1/status', '/api/v1/live/extra']) {
      expect((await get(path)).status).toBe(401);
    }
  });
});
