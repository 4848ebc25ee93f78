// An ANNOUNCE the engine would refuse, or a mode over the host's stream caps,
// is refused with an RTSP status at ANNOUNCE (not answered 200 at PLAY and
// then failed), nothing starts, and the host serves on: the same handshake
// then succeeds with a sensible ANNOUNCE.

import { setTimeout as sleep } from 'node:timers/promises';
import { type GameStreamClient, RtspClient } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import type { HostStatusResponse } from '@punktfunk/shared';
import { type RunningHost, runClient, startPairedGameStreamHost } from '@punktfunk/test-support';
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
async function setUpHandshake(port = rtspPort): Promise<RtspClient> {
  const rtsp = new RtspClient(port);
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

describe('the pixel-rate cap over all sessions, against a real host', () => {
  // 1280x720@60 per session and in all: a running punktfunk/1 session leaves no room for another.
  const PIXEL_RATE_720P60 = String(1280 * 720 * 60);
  let capped: Awaited<ReturnType<typeof startPairedGameStreamHost>>;
  beforeAll(async () => {
    capped = await startPairedGameStreamHost('2468', {
      PUNKTFUNK_MAX_PIXEL_RATE: PIXEL_RATE_720P60,
      PUNKTFUNK_MAX_TOTAL_PIXEL_RATE: PIXEL_RATE_720P60,
    });
    await capped.client.launch({ mode: '1280x720x60' });
  });
  afterAll(async () => {
    await capped?.host.stop();
  });

  const nativeClient = (mode: string[], seconds: number) =>
    runClient(['--port', String(capped.host.nativePort), '--seconds', String(seconds), ...mode]);

  it('refuses an ANNOUNCE and a punktfunk/1 hello while a running session holds the room, and accepts both after', async () => {
    const running = nativeClient(['--width', '320', '--height', '240', '--fps', '30'], 4);
    while (!/native session \S+: streaming/.test(capped.host.output())) await sleep(50);
    const port = capped.host.gamestream?.rtspPort ?? 0;
    const rtsp = await setUpHandshake(port);
    const reply = await rtsp.request('ANNOUNCE', 'streamid=control/13/0', {}, announceSdp(sensible));
    expect(reply.statusCode).toBe(453);
    expect(reply.headers.get('x-punktfunk-error')).toMatch(
      /and the running sessions \(2304000\) are over the host's cap of 55296000 pixels\/s in all/,
    );
    const refused = await nativeClient(['--width', '1280', '--height', '720', '--fps', '60'], 1);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(
      /ended: host error: 1280x720@60 \(55296000 pixels\/s\) and the running sessions \(2304000\) are over/,
    );
    expect((await running).code).toBe(0);
    // The room is back once the host has ended the session (its worker stops a moment after the client left).
    while (((await (await capped.host.api('/status')).json()) as HostStatusResponse).sessions.length > 0) {
      await sleep(50);
    }
    const again = await setUpHandshake(port);
    const accepted = await again.request('ANNOUNCE', 'streamid=control/13/0', {}, announceSdp(sensible));
    expect(accepted.statusCode).toBe(200);
  });
});
