// The GameStream audio lane end to end, through the real host process: the
// project's Moonlight-style client receives the audio stream, decrypts it,
// decodes the Opus with the addon's decoder, and a Goertzel filter says which
// tone it carries.
// - With a private PulseAudio server (PULSE_SERVER given to the host) whose
//   default sink is a null sink playing 700 Hz, the host captures the sink's
//   monitor: the decoded audio is 700 Hz, not the fallback's 440 Hz.
// - With PULSE_SERVER on a socket nobody listens on, the host says why it
//   falls back, and the decoded audio is the 440 Hz test tone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
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
// The reading uses the last 1.5 s: the first moments may hold silence while the sink starts rendering.
const ANALYSED_SAMPLES = 72_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForOutput(host: RunningHost, pattern: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const match = host.output().match(pattern);
    if (match) return match;
    await sleep(50);
  }
}

/** Pairs, launches the desktop, streams for STREAM_MS, quits; the left channel of the decoded audio. */
async function receiveAudio(host: RunningHost): Promise<number[]> {
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  const client = await GameStreamClient.create({
    http: gamestream.httpPort,
    https: gamestream.httpsPort,
  });
  expect((await client.pair('2580', async () => void (await enterPin(host, '2580')))).paired).toBe(true);
  const keys = newLaunchKeys();
  expect(leaf(await client.launch({ mode: '1280x720x60', ...keys.launchParams }), 'gamesession')).toBe('1');
  const left: number[] = [];
  const session = await startStreamSession({
    rtspPort: gamestream.rtspPort ?? 0,
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    audioEncryption: true,
    decodeAudio: true,
    onPcm: (pcm) => {
      for (let i = 0; i < pcm.length; i += 2) left.push(pcm[i] as number);
    },
  });
  await sleep(STREAM_MS);
  const counters = session.counters();
  expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  // How the stream ended is gamestream-stream.e2e.test.ts's business; here only that it did.
  await session.ended;
  expect(counters.audio.decryptFailures).toBe(0);
  return left;
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
