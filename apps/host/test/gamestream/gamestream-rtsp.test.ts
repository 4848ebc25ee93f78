// RTSP against the real host: pair, launch, then OPTIONS .. PLAY one request
// per TCP connection as Moonlight does; the negotiated settings land on the
// launch record (the host logs them from there). Refusals: no launch, out of
// order, garbage, after cancel.

import { type GameStreamClient, RtspClient, rtspExchange } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { enterPin, type RunningHost, startGameStreamHost } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSdp } from './announce-sdp.js';

let host: RunningHost;
let client: GameStreamClient;
let rtspPort: number;

beforeAll(async () => {
  const started = await startGameStreamHost();
  host = started.host;
  client = await started.newClient();
  rtspPort = host.gamestream?.rtspPort ?? 0;
  const paired = await client.pair('2468', async () => void (await enterPin(host, '2468')));
  expect(paired.paired).toBe(true);
});
afterAll(async () => {
  await host?.stop();
});

describe('GameStream RTSP against the real host', () => {
  it('listens on its own port and refuses a client without a launched app (503)', async () => {
    expect(rtspPort).toBeGreaterThan(0);
    const reply = await new RtspClient(rtspPort).request('OPTIONS', `rtsp://127.0.0.1:${rtspPort}`);
    expect(reply.statusCode).toBe(503);
    expect(reply.headers.get('cseq')).toBe('1');
  });

  it('announces the RTSP URL in the launch reply, then runs OPTIONS .. PLAY', async () => {
    const launch = await client.launch({ mode: '1280x720x60' });
    expect(leaf(launch, 'gamesession')).toBe('1');
    expect(leaf(launch, 'sessionUrl0')).toBe(`rtsp://127.0.0.1:${rtspPort}`);

    const rtsp = new RtspClient(rtspPort);
    expect((await rtsp.request('OPTIONS', rtsp.url())).statusCode).toBe(200);
    const describe_ = await rtsp.request('DESCRIBE', rtsp.url(), { Accept: 'application/sdp' });
    expect(describe_.statusCode).toBe(200);
    // Control v2, video and audio offered (PUNKTFUNK_GS_ENCRYPTION=optional); only control asked for.
    expect(describe_.body).toContain('a=x-ss-general.encryptionSupported:7');
    expect(describe_.body).toContain('a=x-ss-general.encryptionRequested:1');
    expect(describe_.headers.get('cseq')).toBe('2');

    const transport = {
      Transport: 'unicast;X-GS-ClientPort=50000-50001',
      'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT',
    };
    const audio = await rtsp.request('SETUP', 'streamid=audio/0/0', transport);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers.get('session')).toMatch(/^[0-9A-F]+;timeout = 90$/);
    const base = host.gamestream?.streamPortBase ?? 0;
    expect(audio.headers.get('transport')).toBe(`server_port=${base + 2}`);
    const pingPayload = audio.headers.get('x-ss-ping-payload');
    expect(pingPayload).toMatch(/^[0-9a-f]{16}$/);
    const video = await rtsp.request('SETUP', 'streamid=video/0/0', transport);
    expect(video.headers.get('transport')).toBe(`server_port=${base}`);
    expect(video.headers.get('x-ss-ping-payload')).toBe(pingPayload);
    const control = await rtsp.request('SETUP', 'streamid=control/13/0', transport);
    expect(control.headers.get('transport')).toBe(`server_port=${base + 1}`);
    expect(Number(control.headers.get('x-ss-connect-data'))).toBeLessThanOrEqual(0xffffffff);

    const sdp = announceSdp({ width: 1280, height: 720, fps: 60, bitrateKbps: 10000, encryption: 1 });
    expect((await rtsp.request('ANNOUNCE', 'streamid=control/13/0', {}, sdp)).statusCode).toBe(200);
    expect((await rtsp.request('PLAY', '/')).statusCode).toBe(200);
    expect(host.output()).toContain(
      'GameStream RTSP: client announced 1280x720@60 h264 10000 kbps, packet 1392 B, FEC min 2, audio 5 ms 2 ch, encryption 0x1 + audio',
    );
    expect(host.output()).toContain('GameStream RTSP: PLAY');
  });

  it('refuses garbage and out-of-order requests with an RTSP status, and closes', async () => {
    const garbage = await rtspExchange(rtspPort, 'HELLO\r\nCSeq: 9\r\n\r\n');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.headers.get('cseq')).toBe('9');
    const fresh = new RtspClient(rtspPort);
    await fresh.request('OPTIONS', fresh.url());
    const early = await fresh.request('ANNOUNCE', 'streamid=control/13/0', {}, 'a=x:1\r\n');
    expect(early.statusCode).toBe(455);
    expect(early.headers.get('x-punktfunk-error')).toMatch(/needs SETUP/);
  });

  it('gives the resumed session a fresh RTSP URL, and nothing after cancel', async () => {
    const resume = await client.https('/resume', {
      appid: 1,
      mode: '1280x720x60',
      rikey: '00112233445566778899aabbccddeeff',
      rikeyid: 3,
    });
    expect(leaf(resume, 'sessionUrl0')).toBe(`rtsp://127.0.0.1:${rtspPort}`);
    await client.https('/cancel');
    const after = await new RtspClient(rtspPort).request('OPTIONS', `rtsp://127.0.0.1:${rtspPort}`);
    expect(after.statusCode).toBe(503);
  });
});
