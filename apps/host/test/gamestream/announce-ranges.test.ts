// An ANNOUNCE the engine would refuse, or a mode over the host's stream caps,
// is refused with an RTSP status at ANNOUNCE (not answered 200 at PLAY and
// then failed), nothing starts, and the host serves on: the same handshake
// then succeeds with a sensible ANNOUNCE.

import { type GameStreamClient, RtspClient } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { type RunningHost, startPairedGameStreamHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSdp } from './announce-sdp.js';

let host: RunningHost;
let client: GameStreamClient;
let rtspPort: number;

beforeAll(async () => {
  ({ host, client } = await startPairedGameStreamHost('1357'));
  rtspPort = host.gamestream?.rtspPort ?? 0;
  await client.launch({ mode: '1280x720x60' });
});
afterAll(async () => {
  await host?.stop();
});

/** OPTIONS .. SETUP control, ready for ANNOUNCE. */
async function setUpHandshake(): Promise<RtspClient> {
  const rtsp = new RtspClient(rtspPort);
  expect((await rtsp.request('OPTIONS', rtsp.url())).statusCode).toBe(200);
  expect((await rtsp.request('DESCRIBE', rtsp.url(), { Accept: 'application/sdp' })).statusCode).toBe(200);
  const transport = { Transport: 'unicast;X-GS-ClientPort=50000-50001' };
  for (const target of ['streamid=audio/0/0', 'streamid=video/0/0', 'streamid=control/13/0']) {
    expect((await rtsp.request('SETUP', target, transport)).statusCode).toBe(200);
  }
  return rtsp;
}

const sensible = { width: 1280, height: 720, fps: 60, bitrateKbps: 10000, encryption: 1 };

describe('ANNOUNCE ranges against the real host', () => {
  it.each([
    ['a packet size the sender refuses (64)', { packetSize: 64 }, 400, /packetSize must be in 256\.\.4096/],
    [
      'minimum FEC packets the sender refuses (255)',
      { minRequiredFecPackets: 255 },
      400,
      /minRequiredFecPackets must be in 0\.\.64/,
    ],
    ['a width the encoder refuses (16384)', { width: 16384 }, 400, /width must be in 16\.\.7680/],
    ['an odd width', { width: 1281 }, 400, /width and height must be even/],
    [
      'a mode over the pixel-rate cap (7680x4320@240)',
      { width: 7680, height: 4320, fps: 240 },
      453,
      /7680x4320@240 is \d+ pixels\/s, over the host's cap/,
    ],
  ])('refuses %s with an RTSP status, and PLAY after it', async (_what, overrides, status, reason) => {
    const rtsp = await setUpHandshake();
    const reply = await rtsp.request(
      'ANNOUNCE',
      'streamid=control/13/0',
      {},
      announceSdp({ ...sensible, ...overrides }),
    );
    expect(reply.statusCode).toBe(status);
    expect(reply.headers.get('x-punktfunk-error')).toMatch(reason);
    expect((await rtsp.request('PLAY', '/')).statusCode).toBe(455);
    expect(host.output()).not.toContain('GameStream RTSP: PLAY, the client expects the streams now');
    expect(host.output()).not.toMatch(/GameStream: stream \S+ starting/);
    const serverinfo = await client.http('/serverinfo');
    expect(serverinfo.httpStatus).toBe(200);
    expect(leaf(serverinfo, 'state')).toMatch(/SUNSHINE_SERVER/);
  });

  it('serves on: a sensible ANNOUNCE is then accepted and played', async () => {
    const rtsp = await setUpHandshake();
    const sdp = announceSdp(sensible);
    expect((await rtsp.request('ANNOUNCE', 'streamid=control/13/0', {}, sdp)).statusCode).toBe(200);
    expect((await rtsp.request('PLAY', '/')).statusCode).toBe(200);
    expect(host.output()).toContain('GameStream RTSP: PLAY, the client expects the streams now');
  });
});
