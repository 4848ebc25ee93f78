// RTSP fuzzer against a real host with a launched session: mutations of the
// real handshake (OPTIONS, DESCRIBE, SETUP of each stream, ANNOUNCE, PLAY,
// with the session's token), truncations, huge headers, bad Content-Length.
// Each case is one request on its own connection, as Moonlight sends them.
// The host must answer on after all of them.
import { moonlightAnnounceSdp, RtspClient } from '@punktfunk/gamestream-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHostAnswering, type FuzzHost, runLanes, startFuzzHost, tcpCase } from './fuzz-host.js';
import { fuzzCases, fuzzInput, fuzzSeed, fuzzTimeoutMs, Rng } from './mutator.js';

let f: FuzzHost;

beforeAll(async () => {
  f = await startFuzzHost({ paired: true });
  await f.client.launch({ mode: '320x240x30' });
});
afterAll(async () => {
  await f?.host.stop();
});

function request(
  method: string,
  target: string,
  cseq: number,
  headers: [string, string][],
  body = '',
): Buffer {
  const all: [string, string][] = [
    ['CSeq', String(cseq)],
    ['X-GS-ClientVersion', '14'],
    ['Host', '127.0.0.1'],
    ...headers,
  ];
  if (body)
    all.push(['Content-type', 'application/sdp'], ['Content-length', String(Buffer.byteLength(body))]);
  const head = all.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.from(`${method} ${target} RTSP/1.0\r\n${head}\r\n${body}`, 'latin1');
}

/** The requests of a real handshake (its session token learned from a real SETUP), plus oversized ones. */
async function handshakeSeeds(): Promise<Buffer[]> {
  const rtsp = new RtspClient(f.ports.rtsp);
  await rtsp.request('OPTIONS', rtsp.url());
  await rtsp.request('DESCRIBE', rtsp.url(), { Accept: 'application/sdp' });
  await rtsp.request('SETUP', 'streamid=audio/0/0', { Transport: 'unicast;X-GS-ClientPort=50000-50001' });
  const session: [string, string] = ['Session', rtsp.session ?? 'DEADBEEF'];
  const transport: [string, string] = ['Transport', 'unicast;X-GS-ClientPort=50000-50001'];
  // A small mode: a mutated handshake that gets as far as PLAY starts a cheap stream.
  const sdp = moonlightAnnounceSdp({
    ...{ width: 320, height: 240, fps: 30, packetSize: 1392, bitrateKbps: 1000, codec: 'h264' },
    ...{ encryptionEnabled: 1, audioEncryption: true, audioPacketDurationMs: 5 },
  });
  const url = rtsp.url();
  return [
    request('OPTIONS', url, 1, []),
    request('DESCRIBE', url, 2, [['Accept', 'application/sdp']]),
    request('SETUP', 'streamid=audio/0/0', 3, [
      transport,
      ['If-Modified-Since', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ]),
    request('SETUP', 'streamid=video/0/0', 4, [transport, session]),
    request('SETUP', 'streamid=control/13/0', 5, [transport, session]),
    request('ANNOUNCE', 'streamid=control/13/0', 6, [session], sdp),
    request('PLAY', '/', 7, [session]),
    request('OPTIONS', url, 8, [['X-Huge', 'x'.repeat(9000)]]),
    request('ANNOUNCE', 'streamid=control/13/0', 9, [session, ['Content-length', '99999999']], 'a=x:1\r\n'),
    request('ANNOUNCE', 'streamid=control/13/0', 10, [session, ['Content-length', '-5']], sdp),
  ];
}

describe('RTSP fuzzer', { timeout: fuzzTimeoutMs() }, () => {
  it('survives mutated, truncated and oversized requests, and the host answers on', async () => {
    const rng = new Rng(fuzzSeed('rtsp'));
    const seeds = await handshakeSeeds();
    const cases = fuzzCases(0.1);
    const startedMs = Date.now();
    await runLanes(cases, rng, (lane) =>
      // Mostly half-closed (answered at once); a few left open as a stalled client would.
      tcpCase(f.ports.rtsp, fuzzInput(seeds, lane), { waitMs: 200, halfClose: !lane.chance(0.01) }),
    );
    console.info(`fuzz rtsp: ${cases} cases in ${Date.now() - startedMs} ms`);
    await expectHostAnswering(f);
    // The real handshake still works after the fuzzing.
    const rtsp = new RtspClient(f.ports.rtsp);
    expect((await rtsp.request('OPTIONS', rtsp.url())).statusCode).toBe(200);
  });
});
