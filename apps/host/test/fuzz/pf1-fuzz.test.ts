// punktfunk/1 control fuzzer against a real host: after a real TLS connect
// (loopback clients are admitted without pairing), mutated and truncated
// hellos and control messages, framed as packages/protocol frames them
// (4-byte length, JSON): mutated frames as bytes (lengths included) and
// mutated JSON re-framed with its true length. Never a 'start': a fuzz case
// must not open a stream. The host answers on afterwards.
import { encodeFrame } from '@punktfunk/protocol';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectHostAnswering, type FuzzHost, runLanes, startFuzzHost, tlsSession } from './fuzz-host.js';
import { fuzzCases, fuzzInput, fuzzSeed, fuzzTimeoutMs, mutate, Rng } from './mutator.js';

let f: FuzzHost;

beforeAll(async () => {
  f = await startFuzzHost({ paired: false });
});
afterAll(async () => {
  await f?.host.stop();
});

const HELLO = {
  type: 'hello',
  protocol: 'punktfunk/1',
  clientName: 'fuzz',
  codecs: ['h264', 'hevc'],
  ...{ width: 320, height: 240, fps: 30, bitrateKbps: 1000, fecPercent: 20, udpPort: 9 },
};

const MESSAGES: object[] = [
  { type: 'idr' },
  { type: 'bitrate', kbps: 5000 },
  { type: 'loss', packetsLost: 3, fecRecovered: 1 },
  { type: 'timing', frames: [[1, 123456, 800]] },
  { type: 'pong', hostUs: 1000, clientUs: 2000 },
  { type: 'stop' },
  { type: 'pair', clientName: 'fuzz' },
  { type: 'pair-proof', proof: 'ab'.repeat(32) },
  { type: 'pair-fail', reason: 'wrong PIN' },
];

const json = (message: object) => Buffer.from(JSON.stringify(message));

/** A frame around `body` with its true length: what reaches the message parser. */
function frame(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** One case: a (mostly valid) hello, then a mutated message; or a mutated hello alone. */
function pf1Case(rng: Rng): Buffer {
  const mutateOne = (message: object) =>
    rng.chance(0.5) ? frame(fuzzInput([json(message)], rng)) : mutate(encodeFrame(message), rng);
  if (rng.chance(0.3)) return mutateOne(HELLO);
  return Buffer.concat([encodeFrame(HELLO), mutateOne(rng.pick(MESSAGES))]);
}

describe('punktfunk/1 control fuzzer', { timeout: fuzzTimeoutMs() }, () => {
  it('survives mutated and truncated hellos and control messages after a real TLS connect', async () => {
    const rng = new Rng(fuzzSeed('pf1'));
    // Each case costs a full TLS handshake (a failed message ends the connection): a smaller share.
    const cases = fuzzCases(0.025);
    const startedMs = Date.now();
    await runLanes(cases, rng, (lane) =>
      tlsSession(f.ports.pf1, null, (socket) => socket.end(pf1Case(lane)), 500),
    );
    console.info(`fuzz pf1: ${cases} cases in ${Date.now() - startedMs} ms`);
    await expectHostAnswering(f);
  });
});
