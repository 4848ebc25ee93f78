// The GameStream audio lane end to end, through the real host process: the
// project's Moonlight-style client receives the audio stream, decrypts it,
// decodes the Opus with the addon's decoder, and a Goertzel filter says which
// tone it carries.
// - With a private PulseAudio server (PULSE_SERVER given to the host) whose
//   default sink is a null sink playing 700 Hz, the host captures the sink's
//   monitor: the decoded audio is 700 Hz, not the fallback's 440 Hz.
// - With PULSE_SERVER on a socket nobody listens on, the host says why it
//   falls back, and the decoded audio is the 440 Hz test tone.
// - Surround: the client asks for 5.1 or 7.1 (high quality at 20 Mb/s, as
//   Moonlight does from 15 Mb/s), decodes with the Opus layout it parsed out
//   of DESCRIBE, and each speaker's tone, played into an 8-channel sink, is
//   in that speaker's channel; every packet arrives and is decoded. A stereo
//   sink under a 5.1 stream is upmixed, and the session settings say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import type { Capture } from '@punktfunk/shared';
import {
  enterPin,
  eventually,
  newConfigDir,
  type RunningHost,
  startHost,
  waitForOutput,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  goertzelPower,
  havePulse,
  type PrivatePulse,
  startPrivatePulse,
} from '../../../../packages/native/test/support/pulse.js';

const PLAYED_HZ = 700;
// The host's test tone (native/src/media/opus_encoder: the sender's default toneHz).
const FALLBACK_HZ = 440;
const SAMPLE_RATE = 48_000;
// Long enough for the capture to settle and for a clear frequency reading.
const STREAM_MS = 4000;
const AUDIO_PACKET_MS = 5;
/** How long STREAM_MS of audio may take to come on a loaded machine (CI once had a quarter of it in 4 s). */
const AUDIO_DEADLINE_MS = 20_000;
// The reading uses the last 1.5 s: the first moments may hold silence while the sink starts rendering.
const ANALYSED_SAMPLES = 72_000;

interface AudioAsk {
  channels?: 2 | 6 | 8;
  highQuality?: boolean;
  bitrateKbps?: number;
}

/** Pairs (once per host), launches the desktop, streams until STREAM_MS of audio came, quits; the decoded audio, one array per channel. */
async function receiveChannels(host: RunningHost, ask: AudioAsk = {}): Promise<number[][]> {
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  const client = await GameStreamClient.create({
    http: gamestream.httpPort,
    https: gamestream.httpsPort,
  });
  expect((await client.pair('2580', async () => void (await enterPin(host, '2580')))).paired).toBe(true);
  const keys = newLaunchKeys();
  expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
  const channelCount = ask.channels ?? 2;
  const channels: number[][] = Array.from({ length: channelCount }, () => []);
  const session = await startStreamSession({
    rtspPort: gamestream.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    audioEncryption: true,
    decodeAudio: true,
    audioChannels: channelCount,
    audioHighQuality: ask.highQuality ?? false,
    ...(ask.bitrateKbps ? { bitrateKbps: ask.bitrateKbps } : {}),
    onPcm: (pcm) => {
      for (let i = 0; i < pcm.length; i++) channels[i % channelCount]?.push(pcm[i] as number);
    },
  });
  expect(session.negotiated.audio.layout.channels).toBe(channelCount);
  expect(session.negotiated.audio.highQuality).toBe(ask.highQuality ?? false);
  // Until STREAM_MS of audio has come, not for STREAM_MS: on a loaded machine the audio starts later.
  const counters = await audioDelivered(session, STREAM_MS / AUDIO_PACKET_MS);
  expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  // How the stream ended is gamestream-stream.e2e.test.ts's business; here only that it did.
  await session.ended;
  expect(counters.audio.decryptFailures).toBe(0);
  // Every packet arrived (loopback) and every one was decoded, 5 ms each.
  expect(counters.audio.lostPackets).toBe(0);
  expect(counters.audio.decodedSamples).toBe(counters.audio.delivered * 240);
  return channels;
}

/** The session's counters once `packets` audio packets have come (or, failing, after AUDIO_DEADLINE_MS). */
async function audioDelivered(
  session: Awaited<ReturnType<typeof startStreamSession>>,
  packets: number,
): Promise<ReturnType<typeof session.counters>> {
  await eventually(() => session.counters().audio.delivered >= packets, AUDIO_DEADLINE_MS);
  const counters = session.counters();
  expect(counters.audio.delivered, `audio packets after ${AUDIO_DEADLINE_MS} ms`).toBeGreaterThanOrEqual(
    packets,
  );
  return counters;
}

async function receiveAudio(host: RunningHost): Promise<number[]> {
  return (await receiveChannels(host))[0] as number[];
}

// One tone per speaker (FL FR FC LFE RL RR SL SR), a coupled pair's two far apart.
const SPEAKER_HZ = [300, 1300, 500, 700, 900, 1900, 1100, 2300];
const [UPMIX_LEFT_HZ, UPMIX_RIGHT_HZ] = [300, 1300];

/** The one of `candidates` that beats all the others 20 times over in `samples`, or null. */
function dominantOf(samples: number[], candidates: readonly number[]): number | null {
  return (
    candidates.find(
      (hz) =>
        dominance(
          samples,
          hz,
          candidates.filter((other) => other !== hz),
        ) > 20,
    ) ?? null
  );
}

/** The tone's power over each other frequency's: how clearly `hz` dominates. */
function dominance(samples: number[], hz: number, others: number[]): number {
  const tone = goertzelPower(samples, hz, SAMPLE_RATE);
  return Math.min(...others.map((other) => tone / goertzelPower(samples, other, SAMPLE_RATE)));
}

const pulseInstalled = havePulse();
if (!pulseInstalled)
  console.warn('skipping the PulseAudio e2e case: no pulseaudio/pacat binary (Debian: pulseaudio)');

describe.skipIf(!pulseInstalled)('GameStream audio with a sound server', () => {
  let pulse: PrivatePulse;
  let host: RunningHost;

  beforeAll(async () => {
    pulse = await startPrivatePulse();
    host = await startHost(newConfigDir(), { PULSE_SERVER: pulse.server });
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await pulse?.stop();
  });

  it('captures the default sink monitor: the client decodes the 700 Hz tone being played', async () => {
    pulse.play(PLAYED_HZ, 30);
    const left = await receiveAudio(host);
    expect(left.length).toBeGreaterThan(ANALYSED_SAMPLES);
    const window = left.slice(-ANALYSED_SAMPLES);
    expect(dominance(window, PLAYED_HZ, [FALLBACK_HZ, 1000, 1500, 3000])).toBeGreaterThan(50);
    await waitForOutput(host, /audio from the default PulseAudio sink monitor/);
    expect(host.output()).not.toMatch(/audio is a test tone/);
  }, 60_000);

  it('5.1 from this stereo sink: upmixed (left on FL and RL, right on FR and RR), and the session settings say so', async () => {
    pulse.playChannels([UPMIX_LEFT_HZ, UPMIX_RIGHT_HZ], 30);
    expect((await host.api('/stats/capture/start', { method: 'POST' })).status).toBe(200);
    const channels = await receiveChannels(host, { channels: 6 });
    const stopped = await host.api('/stats/capture/stop', { method: 'POST' });
    const { id } = (await stopped.json()) as { id: string };
    const capture = (await (await host.api(`/stats/recordings/${encodeURIComponent(id)}`)).json()) as Capture;
    const tones = [UPMIX_LEFT_HZ, UPMIX_RIGHT_HZ];
    const windows = channels.map((samples) => samples.slice(-ANALYSED_SAMPLES));
    expect([0, 1, 4, 5].map((c) => dominantOf(windows[c] as number[], tones))).toEqual([
      UPMIX_LEFT_HZ,
      UPMIX_RIGHT_HZ,
      UPMIX_LEFT_HZ,
      UPMIX_RIGHT_HZ,
    ]);
    expect(capture.meta.sessions.at(-1)?.settings).toMatchObject({
      audioChannels: 6,
      audioCodec: 'Opus 5.1, normal quality, 4 streams (2 coupled), 256 kb/s',
      audio: 'the default PulseAudio sink monitor (stereo upmixed to 5.1: the sink has fewer channels)',
    });
    await waitForOutput(host, /audio from the default PulseAudio sink monitor \(stereo upmixed to 5\.1/);
  }, 60_000);
});

describe.skipIf(!pulseInstalled)('GameStream surround audio from a 7.1 sink', () => {
  let pulse: PrivatePulse;
  let host: RunningHost;

  beforeAll(async () => {
    pulse = await startPrivatePulse(8);
    host = await startHost(newConfigDir(), { PULSE_SERVER: pulse.server });
    pulse.playChannels(SPEAKER_HZ, 60);
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await pulse?.stop();
  });

  it.each([
    { name: '7.1, high quality (20 Mb/s)', channels: 8, highQuality: true, bitrateKbps: 20_000 },
    { name: '5.1, normal quality', channels: 6, highQuality: false, bitrateKbps: 10_000 },
  ] as const)(
    "$name: each speaker's tone is in its own channel",
    async (ask) => {
      const channels = await receiveChannels(host, ask);
      const tones = SPEAKER_HZ.slice(0, ask.channels);
      const found = channels.map((samples) => dominantOf(samples.slice(-ANALYSED_SAMPLES), tones));
      expect(found).toEqual(tones);
    },
    // One retry: once in a loaded fresh-machine run (of about ten runs) one channel of the
    // analysed second showed no clear tone (not a wrong one); not reproduced since, under load either.
    { timeout: 60_000, retry: 1 },
  );
});

describe('GameStream audio without a sound server', () => {
  let dir: string;
  let host: RunningHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pf-nopulse-'));
    host = await startHost(newConfigDir(), { PULSE_SERVER: `unix:${join(dir, 'nobody-listens')}` });
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to the 440 Hz test tone, says why, and the client decodes that tone', async () => {
    const left = await receiveAudio(host);
    expect(left.length).toBeGreaterThan(ANALYSED_SAMPLES);
    const window = left.slice(-ANALYSED_SAMPLES);
    expect(dominance(window, FALLBACK_HZ, [PLAYED_HZ, 1000, 1500, 3000])).toBeGreaterThan(50);
    const [, reason] = await waitForOutput(host, /audio is a test tone \((PulseAudio: [^)]+)\)/);
    expect(reason).toMatch(/^PulseAudio: \S/);
    expect(host.output()).not.toMatch(/audio from the default PulseAudio sink monitor/);
  }, 60_000);
});
