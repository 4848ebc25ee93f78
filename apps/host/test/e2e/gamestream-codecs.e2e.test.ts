// The codecs over GameStream end to end, against the real host process and
// the project's Moonlight-style client: each codec keeps the wire (video
// datagrams with their parity and headers, as the client receives them) under
// the bitrate the client was capped at, on the busy synthetic scene (a
// detailed texture panning every frame), and every frame decodes.
import {
  GameStreamClient,
  newLaunchKeys,
  type StreamCounters,
  startStreamSession,
} from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { leaf } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost, waitForOutput } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openAnimatedWindow,
  startXvfb,
  type XvfbProcess,
} from '../../../../packages/native/test/support/xvfb.mjs';

// What an IPv4 + UDP header adds to each datagram on the wire (the client's socket sees only the payload).
const IP_UDP_HEADER_BYTES = 28;
const CAP_KBPS = 10_000;

let xvfb: XvfbProcess;
let scene: { stop(): Promise<void> };
let host: RunningHost;
let configDir: string;
let hostEnv: Record<string, string>;
let client: GameStreamClient;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  xvfb = await startXvfb(1280, 720);
  scene = await openAnimatedWindow(xvfb, 'texture');
  configDir = newConfigDir();
  hostEnv = { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: xvfb.name };
  host = await startHost(configDir, hostEnv);
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  expect((await client.pair('1357', async () => void (await enterPin(host, '1357')))).paired).toBe(true);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await scene?.stop();
  await xvfb?.stop();
});

/**
 * Video on the wire between two snapshots: every datagram (data and parity)
 * with its IP/UDP header, in kb/s as received, and per frame at the stream's
 * 60 fps. The encoders budget bits per frame (one frame = 1/60 s of their
 * rate), so the per-frame figure is the bitrate the stream has at full frame
 * rate even when the shared machine lets the encoder make fewer frames.
 */
function wireFigures(before: StreamCounters, after: StreamCounters, ms: number) {
  const datagrams = after.video.datagrams - before.video.datagrams;
  const bytes = after.video.bytes - before.video.bytes + datagrams * IP_UDP_HEADER_BYTES;
  const frames = after.video.framesComplete - before.video.framesComplete;
  return { wireKbps: (bytes * 8) / ms, wireKbpsAt60: (bytes * 8 * 60) / Math.max(1, frames) / 1000 };
}

interface CappedRun {
  wireKbps: number;
  wireKbpsAt60: number;
  frames: number;
  decoded: number;
  decodeErrors: number;
}

/** Streams `codec` for a few seconds at the cap; measures the steady wire after the first IDR's second. */
async function streamCapped(codec: 'h264' | 'hevc' | 'av1', seconds: number): Promise<CappedRun> {
  const keys = newLaunchKeys();
  expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
  const decoder = new VideoDecoder({ codec });
  let decoded = 0;
  let decodeErrors = 0;
  const session = await startStreamSession({
    rtspPort: host.gamestream?.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    codec,
    width: 1280,
    height: 720,
    fps: 60,
    bitrateKbps: CAP_KBPS,
    onVideoFrame: (frame) => {
      try {
        decoded += decoder.decode(frame.data).frames.length;
      } catch {
        decodeErrors++;
      }
    },
  });
  // The host offered the codec (a codec it had found too slow for this mode would not be).
  expect(session.negotiated.codec).toBe(codec);
  await sleep(1000);
  const before = session.counters();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = session.counters();
  const ms = performance.now() - t0;
  expect((await client.https('/cancel')).statusCode).toBe(200);
  expect((await session.ended).graceful).toBe(true);
  decoded += decoder.flush().frames.length;
  decoder.close();
  const frames = session.counters().video.framesDelivered;
  return { ...wireFigures(before, after, ms), frames, decoded, decodeErrors };
}

describe('GameStream codecs against the real host', () => {
  it('advertises the codecs whose encoders opened: H.264, HEVC and AV1 (SVT-AV1) in serverinfo and DESCRIBE', async () => {
    const info = await client.https('/serverinfo');
    // SCM_H264 | SCM_HEVC | SCM_AV1_MAIN8, and the 4:4:4 profiles of the first two,
    // SCM_H264_HIGH8_444 | SCM_HEVC_REXT8_444 (moonlight-common-c Limelight.h).
    expect(Number(leaf(info, 'ServerCodecModeSupport'))).toBe(0x1 | 0x100 | 0x10000 | 0x40000 | 0x80000);
    expect(host.output()).toMatch(/codecs: h264, hevc, av1, 4:4:4 for h264, hevc/);
  });

  for (const codec of ['h264', 'hevc', 'av1'] as const) {
    it(`${codec}: the wire stays under the client's ${CAP_KBPS} kb/s cap on a busy scene, every frame decodes`, async () => {
      const run = await streamCapped(codec, 4);
      console.log(
        `${codec}: wire ${Math.round(run.wireKbps)} kb/s (${Math.round(run.wireKbpsAt60)} kb/s at 60 fps) at a ${CAP_KBPS} kb/s cap, ${run.frames} frames`,
      );
      expect(run.wireKbps).toBeLessThanOrEqual(CAP_KBPS);
      expect(run.wireKbpsAt60).toBeLessThanOrEqual(CAP_KBPS);
      // 4 s: libx265 on a loaded 2-core machine has made as few as 63 (h264 250-300); every one is checked below.
      expect(run.frames).toBeGreaterThan(15);
      expect(run.decodeErrors).toBe(0);
      expect(run.decoded).toBe(run.frames);
    }, 60_000);
  }

  it('says when HEVC cannot keep up with a mode (log, session settings) and offers H.264 for that mode from the next launch', async () => {
    // 1080p at 240 fps: a 4.2 ms budget no software HEVC encoder holds.
    const mode = { width: 1920, height: 1080, fps: 240 };
    const launchMode = `${mode.width}x${mode.height}x${mode.fps}`;
    const keys = newLaunchKeys();
    expect(leaf(await client.launch({ mode: launchMode, ...keys.launchParams }), 'gamesession')).toBe('1');
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      codec: 'hevc',
      ...mode,
    });
    expect(session.negotiated.codec).toBe('hevc');
    const said =
      /GameStream: HEVC cannot keep up with 1920x1080@240 \([\d.]+ ms a frame against a 4\.2 ms budget over 90 frames\); H\.264 is offered for 1920x1080@240 from the next launch/;
    await waitForOutput(host, said, 45_000);
    // The console's view: the running session's settings carry the note.
    const status = (await (await host.api('/status')).json()) as {
      sessions: { settings: Record<string, unknown> }[];
    };
    expect(status.sessions[0]?.settings.encoderPace).toMatch(/^HEVC cannot keep up with 1920x1080@240/);
    expect((await client.https('/cancel')).statusCode).toBe(200);
    await session.ended;

    // The next launch of that mode: DESCRIBE has no HEVC, so a client that wants HEVC negotiates H.264 and streams it.
    const again = newLaunchKeys();
    expect(leaf(await client.launch({ mode: launchMode, ...again.launchParams }), 'gamesession')).toBe('1');
    const decoder = new VideoDecoder({ codec: 'h264' });
    let decoded = 0;
    // DESCRIBE follows the launch's mode; the stream itself is announced at 720p60 to keep the test light.
    const next = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: again.rikey,
      rikeyId: again.rikeyId,
      codec: 'hevc',
      width: 1280,
      height: 720,
      fps: 60,
      onVideoFrame: (frame) => {
        decoded += decoder.decode(frame.data).frames.length;
      },
    });
    expect(next.negotiated.describeSdp).not.toContain('sprop-parameter-sets=AAAAAU');
    expect(next.negotiated.codec).toBe('h264');
    await sleep(1500);
    expect((await client.https('/cancel')).statusCode).toBe(200);
    expect((await next.ended).graceful).toBe(true);
    decoder.close();
    expect(decoded).toBeGreaterThan(10);

    // A restarted host still knows (codec-fallbacks.json in its config directory). On a
    // loaded machine the earlier HEVC tests of this file may have tripped the watch at
    // their mode too, so the list may name more than this one.
    await host.stop();
    host = await startHost(configDir, hostEnv);
    expect(host.output()).toMatch(
      /GameStream: offering H\.264 instead where an earlier run found a codec too slow \([^)]*\b1920x1080@240: hevc\b[^)]*\)/,
    );
  }, 120_000);
});
