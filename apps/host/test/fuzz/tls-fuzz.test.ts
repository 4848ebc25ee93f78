// TLS fuzzer on each TLS port of a real host (47984 GameStream HTTPS, 47991
// management TLS, 47800 punktfunk/1 control): mutated and truncated real
// ClientHellos, garbage records, and a real ClientHello followed by mutated
// handshake records. Each case is one connection, half-closed after its bytes
// so the host answers or drops it at once. The host answers on after each port.
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectHostAnswering, type FuzzHost, runLanes, startFuzzHost, tcpCase } from './fuzz-host.js';
import { fuzzCases, fuzzInput, fuzzSeed, fuzzTimeoutMs, Rng } from './mutator.js';

let f: FuzzHost;
let clientHellos: Buffer[];

/** The first flight a Node TLS client sends (its ClientHello), caught by a plain TCP server. */
function captureClientHello(options: {
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  servername?: string;
}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.once('data', (hello) => {
        socket.destroy();
        server.close();
        resolve(hello);
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...options }).on('error', () => {});
    });
  });
}

beforeAll(async () => {
  f = await startFuzzHost({ paired: false });
  clientHellos = await Promise.all([
    captureClientHello({}),
    captureClientHello({ maxVersion: 'TLSv1.2' }),
    captureClientHello({ servername: 'punktfunk.local' }),
  ]);
});
afterAll(async () => {
  await f?.host.stop();
});

// A TLS record header: handshake (22) or application data (23), TLS 1.2, then a length.
function record(type: number, body: Buffer): Buffer {
  const header = Buffer.from([type, 3, 3, 0, 0]);
  header.writeUInt16BE(Math.min(body.length, 0xffff), 3);
  return Buffer.concat([header, body]);
}

/** One case: a mutated ClientHello, garbage, or a real ClientHello followed by mutated records. */
function tlsCase(rng: Rng): Buffer {
  const hello = rng.pick(clientHellos);
  if (rng.chance(0.25)) {
    const follow = record(rng.pick([20, 21, 22, 23]), rng.bytes(rng.below(300)));
    return Buffer.concat([hello, fuzzInput([follow], rng)]);
  }
  return fuzzInput(clientHellos, rng);
}

describe('TLS fuzzer', { timeout: fuzzTimeoutMs() }, () => {
  const ports = ['https', 'mgmtTls', 'pf1'] as const;
  it.each(ports)('survives garbage, truncated and mutated handshakes on the %s port', async (which) => {
    const rng = new Rng(fuzzSeed(`tls-${which}`));
    const port = f.ports[which];
    const cases = fuzzCases(0.15 / ports.length);
    const startedMs = Date.now();
    await runLanes(cases, rng, (lane) => tcpCase(port, tlsCase(lane), { waitMs: 500, halfClose: true }));
    console.info(`fuzz tls-${which}: ${cases} cases in ${Date.now() - startedMs} ms`);
    await expectHostAnswering(f);
  });
});
