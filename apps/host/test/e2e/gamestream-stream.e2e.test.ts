// GameStream streaming end to end, against the real host process: the
// project's own Moonlight-style client (packages/gamestream-client)
// pairs, launches, runs RTSP, connects the encrypted control stream, receives
// video (recovering injected loss with the host's Reed-Solomon parity) and
// decodes every delivered frame with the addon's decoder, receives and decodes
// the Opus audio, and is ended gracefully by /cancel. A capture armed over the
// management API holds GameStream samples. Then the lifecycle edges: a second
// client can neither resume nor quit the first's session, hostile datagrams change nothing, a client
// that leaves ends the stream and can resume, a client that never pings is
// timed out.
import { createSocket } from 'node:dgram';
import {
  GameStreamClient,
  newLaunchKeys,
  RtspClient,
  type StreamSession,
  startStreamSession,
} from '@punktfunk/gamestream-client';
import { OpusDecoder, VideoDecoder } from '@punktfunk/native';
import { leaf, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import { type Capture, parseFramesFile, readFrameRecord, type StatsSample } from '@punktfunk/shared';
import { enterPin, newConfigDir, type RunningHost, startHost, waitForOutput } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSdp } from '../gamestream/announce-sdp.js';

const CLIENT_TIMEOUT_MS = 2500;
/** What the client adds to its ENet acknowledgements in the round-trip test. */
const ACK_DELAY_MS = 250;
let host: RunningHost;
let client: GameStreamClient;

async function launch(mode = '1280x720x60') {
  const keys = newLaunchKeys();
  const reply = await client.launch({ mode, ...keys.launchParams });
  expect(leaf(reply, 'gamesession')).toBe('1');
  return keys;
}

function resumeParams(keys: ReturnType<typeof newLaunchKeys>) {
  return { appid: 1, mode: '1280x720x60', ...keys.launchParams };
}

async function cancel(gs: GameStreamClient = client) {
  const reply = await gs.https('/cancel');
  expect(reply.statusCode).toBe(200);
}

/** Decodes every delivered frame; collects the drawn frame counters and decode errors. */
function frameChecker(codec: 'h264' | 'hevc') {
  const decoder = new VideoDecoder({ codec });
  const counters: number[] = [];
  const reportedLatencyTenthsMs: number[] = [];
  let decodeErrors = 0;
  let unreadable = 0;
  return {
    counters,
    reportedLatencyTenthsMs,
    errors: () => ({ decodeErrors, unreadable }),
    onVideoFrame: (frame: { data: Buffer; hostLatencyTenthsMs: number }) => {
      reportedLatencyTenthsMs.push(frame.hostLatencyTenthsMs);
      try {
        for (const out of decoder.decode(frame.data).frames) {
          if (out.frameCounter === null) unreadable++;
          else counters.push(out.frameCounter);
        }
      } catch {
        decodeErrors++;
      }
    },
    close: () => decoder.close(),
  };
}

const strictlyIncreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  host = await startHost(newConfigDir(), { PUNKTFUNK_GS_CLIENT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS) });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  const paired = await client.pair('1357', async () => void (await enterPin(host, '1357')));
  expect(paired.paired).toBe(true);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('GameStream stream against the real host', () => {
  it('streams encrypted H.264 with 5 % video and 10 % audio loss: FEC recovers, every delivered frame decodes, audio decodes, /cancel ends it gracefully, the capture holds GameStream samples', async () => {
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const keys = await launch();
    const frames = frameChecker('h264');
    const opus = new OpusDecoder({ channels: 2 });
    let pcmSamples = 0;
    let opusErrors = 0;
    let concealed = 0;
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      width: 1280,
      height: 720,
      fps: 60,
      bitrateKbps: 8000,
      videoEncryption: true,
      audioEncryption: true,
      videoDropRate: 0.05,
      audioDropRate: 0.1,
      seed: 2026,
      onVideoFrame: frames.onVideoFrame,
      onAudioPacket: (packet) => {
        if (packet.opus === null) {
          // Lost beyond what audio FEC could rebuild: concealed, as the client does.
          concealed++;
          opus.decodeLost(240);
          return;
        }
        try {
          pcmSamples += opus.decode(packet.opus).length / 2;
        } catch {
          opusErrors++;
        }
      },
    });
    expect(session.negotiated.encryptionEnabled & 0x7).toBe(0x7);
    await sleep(6000);
    const counters = session.counters();
    await cancel();
    const end = await session.ended;
    frames.close();
    opus.close();

    expect(end).toMatchObject({
      reason: 'termination',
      terminationCode: TERMINATION_GRACEFUL,
      graceful: true,
    });
    // ~360 frames in 6 s on an idle machine (a loaded 2-core one makes fewer, at least 20 fps);
    // FEC rebuilds what was lost, so few are: without it, 5 % of ~20 datagrams per frame would cost most frames.
    expect(counters.video.framesDelivered).toBeGreaterThan(120);
    expect(counters.video.framesLost).toBeLessThan(0.1 * counters.video.framesDelivered);
    expect(counters.video.recoveredBlocks).toBeGreaterThan(10);
    expect(frames.errors()).toEqual({ decodeErrors: 0, unreadable: 0 });
    expect(frames.counters.length).toBeGreaterThanOrEqual(counters.video.framesDelivered);
    expect(strictlyIncreasing(frames.counters)).toBe(true);
    // The host's processing latency reached the client in every frame header (0.1 ms units, under a second).
    expect(frames.reportedLatencyTenthsMs.every((t) => t > 0 && t < 10_000)).toBe(true);
    // Audio: 5 ms packets (the first 500 ms are skipped like Moonlight does), 240 samples each, lost ones rebuilt.
    expect(counters.audio.recoveredPackets).toBeGreaterThan(5);
    expect(opusErrors).toBe(0);
    // 10 % loss with 2 parity per 4: a few blocks lose more than 2.
    expect(concealed).toBeLessThan(counters.audio.recoveredPackets);
    expect(pcmSamples).toBeGreaterThan(240 * 600);
    expect(counters.control.fecStatusSent).toBeGreaterThan(0);

    await waitForOutput(host, /GameStream \w+: \d+ video frames, \d+ audio packets sent/);
    expect(host.output()).toMatch(/GameStream: ending stream \w+ \(the session was cancelled\)/);
    const log = host.output();
    // Every line is stamped (ISO, ms); who launched and quit is named; the stream's start says what it encrypts.
    expect(
      log
        .split('\n')
        .filter((l) => l.includes('punktfunk host:'))
        .every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z punktfunk host: /.test(l)),
    ).toBe(true);
    expect(log).toMatch(
      /GameStream \/launch by gs-test \([0-9a-f:]{23}\) from 127\.0\.0\.1: 1280x720@60 \(Desktop, session \w+\)/,
    );
    expect(log).toMatch(
      /GameStream \/cancel by gs-test \([0-9a-f:]{23}\): it ended its session \(Desktop, session \w+\)/,
    );
    expect(log).toMatch(
      /GameStream: stream \w+ starting, .*encryption: video aes-128-gcm, audio aes-128-cbc, control aes-128-gcm;/,
    );
    expect(log).toMatch(
      /GameStream pairing with gs-test \([0-9a-f:]{23}\): paired \(its certificate is stored\)/,
    );
    // One line says where the stream goes, naming the client; the end summary follows the reason and counts its requests.
    expect(log).toMatch(/GameStream: streaming to gs-test \([0-9a-f:]{23}\) at 127\.0\.0\.1:\d+/);
    expect(log).not.toMatch(/: video to /);
    expect(log).toMatch(
      /ending stream (\w+) \(the session was cancelled\)[\s\S]*GameStream \1: \d+ video frames, \d+ audio packets sent \(\d+ as silence\); the client asked for [1-9]\d* keyframe\(s\) and reported \d+ unrecoverable frame\(s\)/,
    );
    expect(log).not.toMatch(/haptics input is not supported/);
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    expect(stopped.status).toBe(200);
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    expect(capture.meta.kinds).toEqual(['gamestream']);
    expect(capture.meta.sessions[0]).toMatchObject({
      kind: 'gamestream',
      width: 1280,
      height: 720,
      fps: 60,
      codec: 'h264',
    });
    expect(capture.meta.sessions[0]?.settings).toMatchObject({
      videoEncryption: 'aes-128-gcm',
      audioEncryption: 'aes-128-cbc',
      // The test host has no display and no sound server: what was streamed, and why, is on the record.
      capture: 'synthetic (PUNKTFUNK_CAPTURE=synthetic)',
      audio: expect.stringMatching(/^a test tone \(PulseAudio: .+\)$/),
    });
    // Every window the stream ran in (the partial last one has no sample); a loaded machine fills them at 20-30 fps.
    const samples = capture.samples.filter((s: StatsSample) => s.measuredFrames > 0);
    expect(samples.length).toBeGreaterThanOrEqual(4);
    for (const s of samples) {
      expect(s.kind).toBe('gamestream');
      expect(s.stages.map((st) => st.name)).toEqual(['capture', 'encode', 'packetize', 'send']);
      expect(s.windowMs).toBeGreaterThan(900);
      expect(s.windowMs).toBeLessThan(1200);
      expect(s.hostP50Us).toBeGreaterThan(0);
      expect(s.sealUs).not.toBeNull();
      // What GameStream cannot see stays "not measured".
      expect(s.clientDecodeP50Us).toBeNull();
      expect(s.e2eP50Us).toBeNull();
    }
    const middle = samples.slice(1, -1);
    // The client reported its repairs: loss and FEC figures are counted, and the round trip is measured.
    expect(middle.reduce((n, s) => n + (s.packetsLost ?? 0), 0)).toBeGreaterThan(0);
    expect(middle.reduce((n, s) => n + (s.fecRecovered ?? 0), 0)).toBeGreaterThan(0);
    expect(middle.every((s) => s.packetsLost !== null && s.rttUs !== null)).toBe(true);
    // Timed on the host's clock from ENet's own acknowledgements: a real (sub-ms) loopback figure, never a made-up 0.
    expect(middle.every((s) => (s.rttUs ?? 0) > 0 && (s.rttUs ?? 0) < 1_000_000)).toBe(true);
    // The client's keyframe requests and unrecoverable frames are counted in every window (0 is a count, not null).
    expect(
      samples.every((s) => typeof s.idrRequests === 'number' && typeof s.unrecoverableFrames === 'number'),
    ).toBe(true);
    expect(capture.samples.reduce((n, s) => n + (s.idrRequests ?? 0), 0)).toBeGreaterThanOrEqual(1);
    if (counters.video.unrecoverableBlocks > 2)
      expect(capture.samples.reduce((n, s) => n + (s.unrecoverableFrames ?? 0), 0)).toBeGreaterThan(0);
    // The frame timeline came through the real host: a record per frame the windows counted, at least.
    const framesRes = await host.api(`/stats/recordings/${encodeURIComponent(id)}/frames`);
    expect(framesRes.status).toBe(200);
    const timeline = parseFramesFile(new Uint8Array(await framesRes.arrayBuffer()));
    expect(timeline.header.recordCount).toBe(capture.meta.timeline?.frames);
    expect(timeline.header.recordCount).toBeGreaterThanOrEqual(
      capture.samples.reduce((n, s) => n + s.measuredFrames, 0),
    );
    const records = Array.from({ length: timeline.header.recordCount }, (_, i) =>
      readFrameRecord(timeline.records, i),
    );
    expect(records.some((r) => r.keyframe)).toBe(true);
    expect(records.filter((r) => r.encodedBytes > 0).length).toBeGreaterThan(records.length / 2);
    expect(records.every((r) => r.sessionIndex === 0 && r.captureStartUs >= 0)).toBe(true);
    // The event lane: the client came, its first keyframe was the start, its IDR requests got keyframes, it left.
    const events = capture.events;
    expect(capture.meta.eventCount).toBe(events.length);
    const keyframes = events.filter((e) => e.type === 'keyframe');
    expect(keyframes[0]?.details).toMatchObject({ reason: 'start', frameIndex: 0 });
    expect(keyframes.filter((e) => e.details.reason === 'client-request').length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.type === 'client-connect')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('client-disconnect');
    expect(events.every((e, i) => i === 0 || e.tMs >= (events[i - 1]?.tMs ?? 0))).toBe(true);
    // The streaming worker's own CPU from its second window on; host telemetry once a second.
    expect(samples.slice(1).every((s) => s.workerCpuPct !== null && s.workerCpuPct > 0)).toBe(true);
    expect(capture.telemetry.length).toBeGreaterThanOrEqual(4);
    expect(capture.telemetry.every((t) => t.machineCpuPct !== null && t.processCpuPct !== null)).toBe(true);
  }, 60_000);

  it('answers the first video and audio ping (the ports are bound at SETUP): no second ping is needed; launch → first frame measured', async () => {
    const launchToFirstFrameMs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const launchedAtMs = Date.now();
      const keys = await launch();
      let firstFrameAtMs: number | null = null;
      const session = await startStreamSession({
        rtspPort: host.gamestream?.rtspPort ?? 0,
        rikey: keys.rikey,
        rikeyId: keys.rikeyId,
        // One ping per port until the host answers: a host that missed the first never streams.
        holdPingsUntilData: true,
        noVideoTimeoutMs: 5000,
        onVideoFrame: (frame) => {
          firstFrameAtMs ??= frame.receivedAtMs;
        },
      });
      let ended = false;
      void session.ended.then(() => {
        ended = true;
      });
      while ((firstFrameAtMs === null || session.counters().audio.datagrams === 0) && !ended) await sleep(20);
      expect(ended).toBe(false);
      expect(session.video.pingsBeforeFirstPacket).toBe(1);
      expect(session.audio.pingsBeforeFirstPacket).toBe(1);
      launchToFirstFrameMs.push((firstFrameAtMs ?? 0) - launchedAtMs);
      await cancel();
      expect((await session.ended).graceful).toBe(true);
    }
    // Video in the clear, audio encrypted (as moonlight-embedded asks): the start line says so.
    expect(host.output()).toMatch(
      /stream \w+ starting, .*encryption: video none, audio aes-128-cbc, control aes-128-gcm;/,
    );
    // The figure BENCHMARKS.md reports (it was 580-740 ms when the first ping was lost).
    console.info(`GameStream launch → first frame: ${launchToFirstFrameMs.join(', ')} ms`);
  }, 60_000);

  it('measures a fresh round trip in every window: the client slowing its ENet acknowledgements shows in the capture', async () => {
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const keys = await launch();
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
    });
    await sleep(2500);
    const switchedUnixMs = Date.now();
    session.control.delayAcks(ACK_DELAY_MS);
    await sleep(3000);
    await cancel();
    expect((await session.ended).graceful).toBe(true);
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    const startUnixMs = capture.meta.startedUnixMs;
    const windows = capture.samples.filter((s: StatsSample) => s.rttUs !== null);
    const endOf = (s: StatsSample) => startUnixMs + s.tMs;
    // Windows starting a second after the switch carry the delay (a lower bound, whatever the load);
    // and the figure moved: it is no longer one number for the whole session.
    const before = windows.filter((s) => endOf(s) < switchedUnixMs);
    const after = windows.filter((s) => endOf(s) - s.windowMs > switchedUnixMs + 1000);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => (s.rttUs ?? 0) >= ACK_DELAY_MS * 1000)).toBe(true);
    expect(new Set(windows.map((s) => s.rttUs)).size).toBeGreaterThan(1);
  }, 30_000);

  it('streams HEVC in the clear with no loss: every frame arrives and decodes in order', async () => {
    const keys = await launch();
    const frames = frameChecker('hevc');
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      codec: 'hevc',
      videoEncryption: false,
      audioEncryption: false,
      onVideoFrame: frames.onVideoFrame,
    });
    expect(session.negotiated.encryptionEnabled).toBe(0x1);
    await sleep(4000);
    await cancel();
    const end = await session.ended;
    // Read once the stream is over: frames keep arriving until the termination, and every one is compared.
    const counters = session.counters();
    frames.close();
    expect(end.graceful).toBe(true);
    // libx265 is slower than libx264 on 2 cores; the count is whatever it managed, every one of them checked.
    expect(counters.video.framesDelivered).toBeGreaterThan(20);
    expect(counters.video.unrecoverableBlocks).toBe(0);
    expect(counters.video.framesLost).toBe(0);
    expect(frames.errors()).toEqual({ decodeErrors: 0, unreadable: 0 });
    expect(frames.counters.length).toBe(counters.video.framesDelivered);
    // No loss: consecutive drawn counters, starting at the first frame.
    expect(frames.counters.every((c, i) => c === i)).toBe(true);
    expect(counters.audio.delivered).toBeGreaterThan(300);
  }, 60_000);

  it("lets a second client touch nothing of the first's session, ignores hostile datagrams, and ends the stream when the client leaves (it can resume)", async () => {
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const keys = await launch();
    let delivered = 0;
    const session: StreamSession = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      onVideoFrame: () => delivered++,
    });
    await sleep(1000);
    // A second paired client has a session of its own or none: it can neither take over nor quit this one.
    const ports = { http: host.gamestream?.httpPort ?? 0, https: host.gamestream?.httpsPort ?? 0 };
    const second = await GameStreamClient.create(ports, {
      uniqueId: 'SECONDCLIENT0001',
      deviceName: 'second',
    });
    expect((await second.pair('2468', async () => void (await enterPin(host, '2468')))).paired).toBe(true);
    // Another client's session does not make the host busy for it.
    const secondInfo = await second.https('/serverinfo');
    expect([leaf(secondInfo, 'currentgame'), leaf(secondInfo, 'state')]).toEqual([
      '0',
      'SUNSHINE_SERVER_FREE',
    ]);
    const notItsResume = await second.https('/resume', resumeParams(newLaunchKeys()));
    expect(notItsResume.statusCode).toBe(409);
    expect(notItsResume.statusMessage).toMatch(/no app is running; launch one/);
    // Its quit ends only its own session (none): the stream goes on, checked below.
    const ownQuit = await second.https('/cancel');
    expect(leaf(ownQuit, 'cancel')).toBe('1');
    // Every request is logged with who asked.
    await waitForOutput(
      host,
      /GameStream \/resume by second \([0-9a-f:]{23}\) from 127\.0\.0\.1 refused \(409\): no app is running/,
    );
    await waitForOutput(host, /GameStream \/cancel by second \([0-9a-f:]{23}\): it had no session running/);

    // Garbage, truncated pings, a wrong ping payload and forged ENet datagrams at every stream port.
    const base = host.gamestream?.streamPortBase ?? 0;
    const attacker = createSocket('udp4');
    const wrongPing = Buffer.alloc(20, 0x41);
    const forgedConnect = Buffer.from('0fff0000820000010000000000000000', 'hex');
    for (const datagram of [
      Buffer.from('hello'),
      Buffer.alloc(0),
      wrongPing,
      forgedConnect,
      Buffer.alloc(1500, 0xff),
    ]) {
      for (const port of [base, base + 1, base + 2]) attacker.send(datagram, port, '127.0.0.1');
    }
    const before = delivered;
    await sleep(1000);
    attacker.close();
    // The stream went on (60 fps when idle; a loaded 2-core machine makes fewer).
    expect(delivered - before).toBeGreaterThan(15);
    expect(session.counters().video.framesLost).toBe(0);

    const marked = await host.api('/stats/capture/marker', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'client leaves' }),
    });
    expect(marked.status).toBe(200);
    // The client leaves (ENet disconnect): the host stops streaming at once and keeps the launch record.
    await session.stop();
    await waitForOutput(host, /GameStream: ending stream \w+ \(the client disconnected its control stream\)/);
    const info = await client.https('/serverinfo');
    expect(leaf(info, 'currentgame')).toBe('1');

    // ... so it can resume, with a fresh key, and stream again.
    const resumed = newLaunchKeys();
    const resume = await client.https('/resume', resumeParams(resumed));
    expect(leaf(resume, 'resume')).toBe('1');
    let resumedFrames = 0;
    const again = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: resumed.rikey,
      rikeyId: resumed.rikeyId,
      onVideoFrame: () => resumedFrames++,
    });
    await sleep(1500);
    // The operator ends it (any client's session) through the management API; the client hears a graceful end.
    const status = (await (await host.api('/status')).json()) as { sessions: { sessionId: string }[] };
    const streamId = status.sessions[0]?.sessionId ?? '';
    expect((await host.api(`/sessions/${streamId}`, { method: 'DELETE' })).status).toBe(204);
    await cancel();
    expect((await again.ended).graceful).toBe(true);
    expect(resumedFrames).toBeGreaterThan(15);
    expect(host.output()).toMatch(
      new RegExp(
        `GameStream: the operator ended the session of gs-test \\([0-9a-f:]{23}\\) \\(Desktop, stream ${streamId}\\)`,
      ),
    );
    expect((await host.api(`/sessions/${streamId}`, { method: 'DELETE' })).status).toBe(404);
    await cancel(second);
    // The lane tells the story: connected, the operator's marker, gone, resumed, gone (the operator ended it).
    const stopped = (await (await host.api('/stats/capture/stop', { method: 'POST' })).json()) as {
      id: string;
    };
    const capture = (await (
      await host.api(`/stats/recordings/${encodeURIComponent(stopped.id)}`)
    ).json()) as Capture;
    const story = capture.events.filter((e) => e.type.startsWith('client-') || e.type === 'marker');
    expect(story.map((e) => e.type)).toEqual([
      'client-connect',
      'marker',
      'client-disconnect',
      'client-resume',
      'client-disconnect',
    ]);
    expect(story[2]?.details.reason).toBe('the client disconnected its control stream');
    expect(story[3]?.sessionId).not.toBe(story[0]?.sessionId);
  }, 60_000);

  it('times out a client that completes RTSP but never pings the video port', async () => {
    await launch();
    const rtsp = new RtspClient(host.gamestream?.rtspPort ?? 0);
    const transport = { Transport: 'unicast;X-GS-ClientPort=50000-50001' };
    expect((await rtsp.request('OPTIONS', rtsp.url())).statusCode).toBe(200);
    expect((await rtsp.request('DESCRIBE', rtsp.url(), { Accept: 'application/sdp' })).statusCode).toBe(200);
    for (const stream of ['audio/0/0', 'video/0/0', 'control/13/0']) {
      expect((await rtsp.request('SETUP', `streamid=${stream}`, transport)).statusCode).toBe(200);
    }
    const sdp = announceSdp({ width: 1280, height: 720, fps: 60, bitrateKbps: 5000, encryption: 1 });
    expect((await rtsp.request('ANNOUNCE', 'streamid=control/13/0', {}, sdp)).statusCode).toBe(200);
    expect((await rtsp.request('PLAY', '/')).statusCode).toBe(200);
    await waitForOutput(host, /GameStream: stream (\w+) starting/);
    await waitForOutput(
      host,
      /GameStream: stream \w+ ended: the client never pinged the video port/,
      CLIENT_TIMEOUT_MS + 5000,
    );
    await cancel();
  }, 30_000);
});
