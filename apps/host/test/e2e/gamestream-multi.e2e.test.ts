// Several GameStream clients at once, against the real host process: the
// project's own Moonlight-style client (packages/gamestream-client) three
// times, each with its own certificate. Two stream 640x360@60 at once, each
// on its own ports (slot 0 on the configured ones, slot 1 from
// PUNKTFUNK_GS_SESSION_PORT_BASE, as sessionUrl0 and the SETUP replies tell
// them), every delivered frame decoded with the addon's decoder. A third is
// refused beyond PUNKTFUNK_MAX_SESSIONS=2 with the reason Moonlight shows.
// Ending one (its /cancel; the operator's DELETE) leaves the other
// streaming; another client's /cancel and a client launching twice touch
// nobody else's session.
import { createServer } from 'node:net';
import {
  type GameStreamClient,
  newLaunchKeys,
  rtspPortOf,
  type StreamSession,
  startStreamSession,
} from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { leaf, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import type { HostStatusResponse } from '@punktfunk/shared';
import {
  newConfigDir,
  pairGameStreamClients,
  type RunningHost,
  runClient,
  startHost,
  waitForOutput,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 60;
const MODE = `${WIDTH}x${HEIGHT}x${FPS}`;
const MEASURE_MS = 5000;
let host: RunningHost;
let sessionPortBase: number;
const clients: Record<'a' | 'b' | 'c', GameStreamClient> = {} as never;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Decodes every delivered frame: its size, the synthetic pattern's frame counter, errors. */
function frameChecker() {
  const decoder = new VideoDecoder({ codec: 'h264' });
  const counters: number[] = [];
  const sizes = new Set<string>();
  let decodeErrors = 0;
  let unreadable = 0;
  return {
    counters,
    sizes,
    errors: () => ({ decodeErrors, unreadable }),
    onVideoFrame: (frame: { data: Buffer }) => {
      try {
        for (const out of decoder.decode(frame.data).frames) {
          sizes.add(`${out.width}x${out.height}`);
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

interface Streaming {
  session: StreamSession;
  frames: ReturnType<typeof frameChecker>;
  rtspPort: number;
}

/** Launches (or resumes) `client`'s session and streams it; the RTSP port is the one its reply names. */
async function launchAndStream(client: GameStreamClient, path: '/launch' | '/resume' = '/launch') {
  const keys = newLaunchKeys();
  const reply = await client.https(path, { appid: 1, mode: MODE, ...keys.launchParams });
  expect(reply.statusCode, reply.statusMessage ?? '').toBe(200);
  const rtspPort = rtspPortOf(leaf(reply, 'sessionUrl0'), -1);
  const frames = frameChecker();
  const session = await startStreamSession({
    rtspPort,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    // At 640 px the counter's cells are 12 px, off the macroblock grid: 3000 kb/s blurred one now and then.
    bitrateKbps: 6000,
    onVideoFrame: frames.onVideoFrame,
  });
  return { session, frames, rtspPort } satisfies Streaming;
}

/** Frames each stream delivers over `ms`, as frames per second. */
async function measureFps(streams: Streaming[], ms: number): Promise<number[]> {
  const before = streams.map((s) => s.session.counters().video.framesDelivered);
  await sleep(ms);
  return streams.map((s, i) => ((s.session.counters().video.framesDelivered - (before[i] ?? 0)) * 1000) / ms);
}

/** Every delivered frame decoded to the stream's size with a readable, increasing counter. */
function expectPicturesCorrect(s: Streaming): void {
  const delivered = s.session.counters().video.framesDelivered;
  expect(s.frames.errors()).toEqual({ decodeErrors: 0, unreadable: 0 });
  expect(s.frames.counters.length).toBe(delivered);
  expect([...s.frames.sizes]).toEqual([`${WIDTH}x${HEIGHT}`]);
  expect(s.frames.counters.every((c, i) => i === 0 || c > (s.frames.counters[i - 1] as number))).toBe(true);
}

async function status(): Promise<HostStatusResponse> {
  return (await (await host.api('/status')).json()) as HostStatusResponse;
}

beforeAll(async () => {
  host = await startHost(newConfigDir(), { PUNKTFUNK_MAX_SESSIONS: '2' });
  const gs = host.gamestream;
  if (!gs) throw new Error('GameStream did not start');
  sessionPortBase = gs.sessionPortBase;
  Object.assign(clients, await pairGameStreamClients(host, ['a', 'b', 'c'], 'MULTICLIENT000'));
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

describe('several GameStream clients at once', () => {
  it('two clients stream 640x360@60 at once on their own ports, a third is refused with the reason, and /cancel of one leaves the other streaming', async () => {
    const a = await launchAndStream(clients.a);
    const b = await launchAndStream(clients.b);
    // Slot 0 on the configured ports, slot 1 on four ports from the session port base.
    expect(a.rtspPort).toBe(host.gamestream?.rtspPort);
    expect(b.rtspPort).toBe(sessionPortBase + 3);
    expect(a.session.negotiated).toMatchObject({
      videoPort: host.gamestream?.streamPortBase,
      controlPort: (host.gamestream?.streamPortBase ?? 0) + 1,
      audioPort: (host.gamestream?.streamPortBase ?? 0) + 2,
    });
    expect(b.session.negotiated).toMatchObject({
      videoPort: sessionPortBase,
      controlPort: sessionPortBase + 1,
      audioPort: sessionPortBase + 2,
    });
    await waitForOutput(host, /GameStream: session slot 1 open: RTSP on [^:]+:\d+, streams on \d+-\d+\/udp/);

    // Each client sees its own session only: the third has none, so it is not "busy".
    const infoA = await clients.a.https('/serverinfo');
    expect([leaf(infoA, 'currentgame'), leaf(infoA, 'state')]).toEqual(['1', 'SUNSHINE_SERVER_BUSY']);
    const infoC = await clients.c.https('/serverinfo');
    expect([leaf(infoC, 'currentgame'), leaf(infoC, 'state')]).toEqual(['0', 'SUNSHINE_SERVER_FREE']);
    // ... but beyond PUNKTFUNK_MAX_SESSIONS it is refused, with the reason Moonlight shows.
    const third = await clients.c.launch({ mode: MODE });
    expect(third.statusCode).toBe(503);
    expect(third.statusMessage).toBe('this host already streams to 2 clients (PUNKTFUNK_MAX_SESSIONS=2)');
    // The cap counts both paths: a punktfunk/1 client's hello is refused with the same reason.
    const pf1 = await runClient([
      ...['--port', String(host.nativePort), '--seconds', '1'],
      ...['--width', '320', '--height', '240', '--fps', '30'],
    ]);
    expect(pf1.code).not.toBe(0);
    expect(pf1.stdout).toMatch(
      /ended: host error: this host already streams to 2 clients \(PUNKTFUNK_MAX_SESSIONS=2\)/,
    );

    // Settled first: a stream that fell behind while the clients above started catches up (over 60 fps) for a moment.
    await sleep(2000);
    const [fpsA, fpsB] = await measureFps([a, b], MEASURE_MS);
    console.log(`two clients at ${MODE}: client-a ${fpsA?.toFixed(1)} fps, client-b ${fpsB?.toFixed(1)} fps`);
    expect(fpsA).toBeGreaterThan(0);
    expect(fpsB).toBeGreaterThan(0);

    // The console lists both, each with its display.
    const listed = (await status()).sessions;
    expect(listed).toHaveLength(2);
    expect(listed.map((s) => s.client?.split(' ')[0]).sort()).toEqual(['client-a', 'client-b']);
    for (const s of listed) {
      expect(s.display).toMatchObject({ mode: 'desktop', backend: 'synthetic', width: null, height: null });
      expect(s.display?.description).toMatch(/^synthetic/);
    }

    // The third client's /cancel ends nothing of theirs (it has no session).
    const cancelC = await clients.c.https('/cancel');
    expect(leaf(cancelC, 'cancel')).toBe('1');
    await waitForOutput(host, /GameStream \/cancel by client-c \([0-9a-f:]{23}\): it had no session running/);
    // A launches twice: answered as for one client (resume or quit), B untouched.
    const twice = await clients.a.launch({ mode: MODE });
    expect(twice.statusCode).toBe(409);
    expect(twice.statusMessage).toMatch(/resume or quit it first/);

    // A quits: its stream ends gracefully, B streams on.
    expect(leaf(await clients.a.https('/cancel'), 'cancel')).toBe('1');
    const endA = await a.session.ended;
    expect(endA).toMatchObject({ terminationCode: TERMINATION_GRACEFUL, graceful: true });
    const [fpsBAlone] = await measureFps([b], MEASURE_MS);
    // The same client alone in the same run is the baseline (the shared machine's load changes by the minute).
    console.log(
      `client-b alone after client-a quit: ${fpsBAlone?.toFixed(1)} fps; ` +
        `at once / alone: a ${((fpsA ?? 0) / (fpsBAlone ?? 1)).toFixed(3)}, b ${((fpsB ?? 0) / (fpsBAlone ?? 1)).toFixed(3)}`,
    );
    expect(fpsBAlone).toBeGreaterThan(0);
    expect((await status()).sessions.map((s) => s.client?.split(' ')[0])).toEqual(['client-b']);

    // The room A left is C's now: it gets slot 0 (the configured RTSP port).
    const launchC = await clients.c.launch({ mode: MODE });
    expect(rtspPortOf(leaf(launchC, 'sessionUrl0'), -1)).toBe(host.gamestream?.rtspPort);
    expect(leaf(await clients.c.https('/cancel'), 'cancel')).toBe('1');

    expect(leaf(await clients.b.https('/cancel'), 'cancel')).toBe('1');
    expect((await b.session.ended).graceful).toBe(true);
    await waitForOutput(host, /GameStream: session slot 1 closed/);
    for (const s of [a, b]) {
      expectPicturesCorrect(s);
      s.frames.close();
    }
    expect(a.session.counters().video.framesDelivered).toBeGreaterThan(60);
    expect(b.session.counters().video.framesDelivered).toBeGreaterThan(60);
  }, 90_000);

  it("the operator's DELETE ends exactly that session; the other streams on", async () => {
    const a = await launchAndStream(clients.a);
    const b = await launchAndStream(clients.b);
    await sleep(1500);
    const listed = (await status()).sessions;
    const streamA = listed.find((s) => s.client?.startsWith('client-a'))?.sessionId ?? '';
    expect((await host.api(`/sessions/${streamA}`, { method: 'DELETE' })).status).toBe(204);
    expect((await a.session.ended).graceful).toBe(true);
    await waitForOutput(
      host,
      new RegExp(
        `GameStream: the operator ended the session of client-a \\([0-9a-f:]{23}\\) \\(Desktop, stream ${streamA}\\)`,
      ),
    );
    // A's launch record went with it; B's stays and streams.
    expect(leaf(await clients.a.https('/serverinfo'), 'currentgame')).toBe('0');
    expect(leaf(await clients.b.https('/serverinfo'), 'currentgame')).toBe('1');
    const [fpsB] = await measureFps([b], 2000);
    console.log(`client-b after the operator ended client-a: ${fpsB?.toFixed(1)} fps`);
    expect(fpsB).toBeGreaterThan(0);
    expect((await status()).sessions.map((s) => s.client?.split(' ')[0])).toEqual(['client-b']);

    // B leaves (ENet disconnect) and resumes on its own slot's port: its record held the slot.
    await b.session.stop();
    const resumed = await launchAndStream(clients.b, '/resume');
    expect(resumed.rtspPort).toBe(sessionPortBase + 3);
    await sleep(1000);
    expect(leaf(await clients.b.https('/cancel'), 'cancel')).toBe('1');
    expect((await resumed.session.ended).graceful).toBe(true);
    for (const s of [a, b, resumed]) {
      expectPicturesCorrect(s);
      s.frames.close();
    }
    expect(resumed.session.counters().video.framesDelivered).toBeGreaterThan(20);
  }, 90_000);

  it("answers a launch whose slot's port is taken with the reason, and launches once it is free", async () => {
    expect(leaf(await clients.a.launch({ mode: MODE }), 'gamesession')).toBe('1');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(sessionPortBase + 3, '0.0.0.0', resolve));
    const refused = await clients.b.launch({ mode: MODE });
    expect(refused.statusCode).toBe(503);
    expect(refused.statusMessage).toBe(
      `no ports for another session: GameStream RTSP 0.0.0.0:${sessionPortBase + 3} is in use`,
    );
    // Nothing kept: no record for B, A's session untouched.
    expect(leaf(await clients.b.https('/serverinfo'), 'currentgame')).toBe('0');
    expect(leaf(await clients.a.https('/serverinfo'), 'currentgame')).toBe('1');
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    const launched = await clients.b.launch({ mode: MODE });
    expect(rtspPortOf(leaf(launched, 'sessionUrl0'), -1)).toBe(sessionPortBase + 3);
    for (const client of [clients.a, clients.b])
      expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  });
});
