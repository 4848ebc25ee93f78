// GameStream HTTP fuzzer against a real host: mutated paths and query
// strings of the real requests (serverinfo, pair's phases, applist, launch,
// resume, cancel, unpair), bad percent-encoding, long values, and mutated
// raw requests, pipelined several to a keep-alive connection, on the plain
// lane and on the HTTPS lane with a paired client's certificate. No request
// may make the host fail (a 500 is an unhandled error); it answers on.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHostAnswering, type FuzzHost, runLanes, startFuzzHost } from './fuzz-host.js';
import { fuzzCases, fuzzInput, fuzzSeed, fuzzTimeoutMs, mutate, Rng } from './mutator.js';

let f: FuzzHost;

beforeAll(async () => {
  f = await startFuzzHost({ paired: true });
});
afterAll(async () => {
  await f?.host.stop();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The targets of real requests, as the test client (and Moonlight) sends them. */
function targetSeeds(lane: 'http' | 'https'): Buffer[] {
  const id = `uniqueid=${f.client.uniqueId}&uuid=${randomUUID()}`;
  const certHex = Buffer.from(f.client.cert.certPem).toString('hex');
  const pair = `/pair?${id}&devicename=gs-test&updateState=1`;
  const launchKeys = `rikey=${hex(16)}&rikeyid=1234&localAudioPlayMode=0&surroundAudioInfo=196610`;
  const common = [
    `/serverinfo?${id}`,
    `${pair}&phrase=getservercert&salt=${hex(16)}&clientcert=${certHex}`,
    `${pair}&clientchallenge=${hex(16)}`,
    `${pair}&serverchallengeresp=${hex(32)}`,
    `${pair}&clientpairingsecret=${hex(272)}`,
    `${pair}&phrase=pairchallenge`,
    `/serverinfo?${id}&bad=%zz&worse=%&utf8=%E0%A4%A`,
  ];
  const secure = [
    `/applist?${id}`,
    `/launch?${id}&appid=1&mode=320x240x30&additionalStates=1&sops=0&${launchKeys}`,
    `/resume?${id}&appid=1&mode=320x240x30&${launchKeys}`,
    `/cancel?${id}`,
  ];
  // Unpairing would cut the HTTPS lane's own certificate off: only on the plain lane.
  const targets = lane === 'https' ? [...common, ...secure] : [...common, `/unpair?${id}`, ...secure];
  return targets.map((t) => Buffer.from(t, 'latin1'));
}

/**
 * Bytes an HTTP parser refuses in a target (controls, space, 8-bit) as %XX,
 * so the request reaches the GameStream router instead of Node's 400.
 */
function escapeTarget(target: Buffer): string {
  let out = '';
  for (const byte of target) {
    out += byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** One request: a mutated target, mostly escaped to stay a well-formed request; sometimes a mutated request as a whole. */
function fuzzRequest(seeds: Buffer[], rng: Rng): Buffer {
  const mutated = fuzzInput(seeds, rng);
  const target = rng.chance(0.8) ? escapeTarget(mutated) : mutated.toString('latin1');
  const request = Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'latin1');
  return rng.chance(0.1) ? mutate(request, rng) : request;
}

interface Tally {
  answered: number;
  internalErrors: number;
}

// A request the host does not answer in this long (a pairing phase 1 waits
// for the operator's PIN) is given up, with its connection.
const ANSWER_WAIT_MS = 300;

/**
 * A keep-alive connection that sends one request at a time and reads its
 * answer (Node answers with a Content-Length), so each connection carries
 * many cases until the host closes it.
 */
class KeepAlive {
  private buffered = '';
  private waiting: ((answered: boolean) => void) | null = null;
  closed = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('latin1');
      this.settleIfComplete();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.(false);
    });
  }

  private settleIfComplete(): void {
    const headEnd = this.buffered.indexOf('\r\n\r\n');
    if (headEnd < 0 || !this.waiting) return;
    const length = Number(/content-length: (\d+)/i.exec(this.buffered.slice(0, headEnd))?.[1] ?? 0);
    if (this.buffered.length < headEnd + 4 + length) return;
    this.waiting(true);
  }

  /** Sends `request`; resolves with the status (null: closed or not answered in time). */
  send(request: Buffer): Promise<number | null> {
    // Refused or already gone (a listener's connection limits may do that): no case was run.
    if (this.closed || this.socket.destroyed) return Promise.resolve(null);
    this.buffered = '';
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), ANSWER_WAIT_MS);
      this.waiting = (answered) => {
        clearTimeout(timer);
        this.waiting = null;
        resolve(answered ? Number(/^HTTP\/1\.1 (\d{3})/.exec(this.buffered)?.[1] ?? 0) : null);
      };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function open(lane: 'http' | 'https'): Promise<KeepAlive> {
  return new Promise((resolve) => {
    const socket =
      lane === 'http'
        ? connect({ port: f.ports.http, host: '127.0.0.1' })
        : tlsConnect({ port: f.ports.https, host: '127.0.0.1', rejectUnauthorized: false, ...pem() });
    const ready = () => resolve(new KeepAlive(socket));
    socket.once(lane === 'http' ? 'connect' : 'secureConnect', ready);
    socket.once('error', ready);
  });
}

const pem = () => ({ cert: f.client.cert.certPem, key: f.client.cert.keyPem });

describe('GameStream HTTP fuzzer', { timeout: fuzzTimeoutMs() }, () => {
  it.each(['https', 'http'] as const)(
    'survives mutated requests on the %s lane, never failing with 500',
    async (lane) => {
      const rng = new Rng(fuzzSeed(`http-${lane}`));
      const seeds = targetSeeds(lane);
      // HTTPS reconnects cost a full handshake (no tickets): the plain lane takes the larger share.
      const requests = fuzzCases(lane === 'https' ? 0.03 : 0.07);
      const tally: Tally = { answered: 0, internalErrors: 0 };
      const connections: KeepAlive[] = [];
      const startedMs = Date.now();
      await runLanes(requests, rng, async (laneRng, _index, slot) => {
        let connection = connections[slot];
        if (!connection || connection.closed) connections[slot] = connection = await open(lane);
        const status = await connection.send(fuzzRequest(seeds, laneRng));
        if (status !== null) tally.answered++;
        if (status === 500) tally.internalErrors++;
      });
      for (const connection of connections) connection.close();
      console.info(
        `fuzz http-${lane}: ${requests} requests (${tally.answered} answered) in ${Date.now() - startedMs} ms`,
      );
      expect(tally.internalErrors).toBe(0);
      await expectHostAnswering(f);
    },
  );
});
