// GameStreamAudioSender's PulseAudio source against a real, private
// PulseAudio server: a null sink plays a 1 kHz tone (pacat), the sender
// captures the sink's monitor, and the decoded packets carry that tone.
// Without a reachable server, 'auto' falls back to the tone with the reason
// and 'pulse' refuses with AUDIO_SOURCE_UNAVAILABLE.
// Surround: a 5.1 or 7.1 null sink plays one tone per speaker (pacat with
// Moonlight's channel map), the sender captures the sink's monitor with that
// many channels and encodes the Opus multistream layout the host lists in
// DESCRIBE, and the decoder, given the same layout, finds each tone in its
// own channel. A stereo sink under a 5.1 stream is captured as stereo and
// upmixed, and the sender says so (capturedChannels). The tone source also
// speaks 5.1, with the constant packet size the audio FEC needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_LAYOUTS, type OpusLayout } from '../../protocol/src/gamestream/opus-layouts.js';
import { GameStreamAudioSender, OpusDecoder } from '../src/index.js';
import { UdpCollector } from './gamestream-receiver.js';
import { errorOf } from './support/native-error.js';
import {
  goertzelPower,
  havePipeWirePulse,
  havePulse,
  type PrivatePulse,
  startPipeWirePulse,
  startPrivatePulse,
} from './support/pulse.js';

const RTP_HEADER_BYTES = 12;
const TONE_HZ = 1000;

const open: { close(): void }[] = [];
const savedPulseServer = process.env.PULSE_SERVER;

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

afterAll(() => {
  if (savedPulseServer === undefined) delete process.env.PULSE_SERVER;
  else process.env.PULSE_SERVER = savedPulseServer;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The same capture path serves both: a PulseAudio desktop, and a PipeWire
// desktop through PipeWire's PulseAudio interface (what GNOME, KDE and
// SteamOS run now).
const servers = [
  { name: 'a private PulseAudio server', installed: havePulse(), start: startPrivatePulse },
  {
    name: "PipeWire's PulseAudio interface (pipewire-pulse)",
    installed: havePipeWirePulse(),
    start: startPipeWirePulse,
  },
];
for (const server of servers.filter((s) => !s.installed)) {
  console.warn(
    `skipping the capture test with ${server.name}: not installed (Debian: pulseaudio, pipewire-pulse)`,
  );
}

describe.each(servers.filter((s) => s.installed))(
  'GameStreamAudioSender source pulse, with $name',
  (server) => {
    let pulse: PrivatePulse | null = null;

    beforeAll(async () => {
      pulse = await server.start();
      process.env.PULSE_SERVER = pulse.server;
    });

    afterAll(async () => {
      await pulse?.stop();
    });

    it('captures the default sink monitor: the decoded packets carry the 1 kHz tone being played', async () => {
      const rx = await UdpCollector.open();
      open.push(rx);
      const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, source: 'pulse' });
      open.push(tx);
      expect(tx.audioSource).toBe('pulse');
      expect(tx.fallbackReason).toBeNull();
      pulse?.play(TONE_HZ, 20);
      // Paced roughly as a stream: 20 packets (100 ms) every 100 ms. The sink
      // takes a moment to start rendering at the new latency: wait until the
      // capture keeps up, then keep 1 s.
      for (let i = 0; i < 50 && tx.sendAudio(20).underruns > 0; i++) await sleep(100);
      await sleep(50);
      rx.datagrams.splice(0);
      let packets = 0;
      let underruns = 0;
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        const report = tx.sendAudio(20);
        packets += report.packets;
        underruns += report.underruns;
      }
      expect(packets).toBe(200);
      expect(underruns).toBeLessThan(packets / 4);
      const datagrams = await rx.waitFor(packets + (packets / 4) * 2);
      const decoder = new OpusDecoder({ channels: 2 });
      open.push(decoder);
      const left: number[] = [];
      for (const d of datagrams.filter((d) => d[1] === 97)) {
        const pcm = decoder.decode(d.subarray(RTP_HEADER_BYTES));
        for (let i = 0; i < pcm.length; i += 2) left.push(pcm[i]!);
      }
      const tone = goertzelPower(left, TONE_HZ);
      for (const other of [440, 700, 1500, 3000])
        expect(tone).toBeGreaterThan(50 * goertzelPower(left, other));
      const start = Date.now();
      tx.close();
      expect(Date.now() - start).toBeLessThan(1000); // the reader thread stops within a chunk
    });

    it('sendAudio never waits for the capture: a burst beyond the ring is silence, counted as underruns', async () => {
      const rx = await UdpCollector.open();
      open.push(rx);
      const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, source: 'auto' });
      open.push(tx);
      expect(tx.audioSource).toBe('pulse');
      const start = Date.now();
      const report = tx.sendAudio(400); // 2 s of audio asked for at once, the ring holds 200 ms
      expect(Date.now() - start).toBeLessThan(1000);
      expect(report.packets).toBe(400);
      expect(report.underruns).toBeGreaterThan(300);
    });
  },
);

describe('GameStreamAudioSender without a PulseAudio server', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pf-nopulse-'));
    process.env.PULSE_SERVER = `unix:${join(dir, 'nobody-listens')}`;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("'auto' falls back to the tone and says why", () => {
    const tx = new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1', source: 'auto' });
    open.push(tx);
    expect(tx.audioSource).toBe('tone');
    expect(tx.fallbackReason).toMatch(/^PulseAudio: ./);
    expect(tx.sendAudio(4)).toMatchObject({ packets: 4, underruns: 0 });
  });

  it("'pulse' throws AUDIO_SOURCE_UNAVAILABLE naming PulseAudio's error", () => {
    const e = errorOf(
      () => new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1', source: 'pulse' }),
    );
    expect(e.code).toBe('AUDIO_SOURCE_UNAVAILABLE');
    expect(e.message).toMatch(/PulseAudio: ./);
  });

  it('the default source is still the tone, and a bad source is INVALID_ARGUMENT', () => {
    const tx = new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1' });
    open.push(tx);
    expect(tx.audioSource).toBe('tone');
    expect(tx.fallbackReason).toBeNull();
    const bad = { remotePort: 9, remoteHost: '127.0.0.1', source: 'alsa' } as never;
    expect(errorOf(() => new GameStreamAudioSender(bad)).code).toBe('INVALID_ARGUMENT');
  });
});

// One tone per speaker, FL FR FC LFE RL RR SL SR: apart from each other and
// from each other's harmonics, and the two of a coupled pair (FL/FR, RL/RR,
// SL/SR) an octave or more apart: CELT codes a pair's nearby bands jointly.
const SPEAKER_HZ = [300, 1300, 500, 700, 900, 1900, 1100, 2300];
// The tone must beat every other speaker's tone in its channel by this much.
const DOMINANCE = 20;

/** Sends about 1 s of captured audio (once the capture keeps up) and returns the Opus payloads. */
async function captureOpus(tx: GameStreamAudioSender, rx: UdpCollector): Promise<Buffer[]> {
  // The sink takes a moment to start rendering: wait until the capture keeps up.
  for (let i = 0; i < 50 && tx.sendAudio(20).underruns > 0; i++) await sleep(100);
  await sleep(50);
  rx.datagrams.splice(0);
  let packets = 0;
  for (let i = 0; i < 10; i++) {
    await sleep(100);
    packets += tx.sendAudio(20).packets;
  }
  const datagrams = await rx.waitFor(packets + (packets / 4) * 2);
  return datagrams.filter((d) => d[1] === 97).map((d) => d.subarray(RTP_HEADER_BYTES));
}

/** Decodes every packet with `layout`; one sample array per channel. */
function decodeChannels(packets: Buffer[], layout: OpusLayout): number[][] {
  const decoder = new OpusDecoder(layout);
  open.push(decoder);
  const channels: number[][] = Array.from({ length: layout.channels }, () => []);
  for (const packet of packets) {
    const pcm = decoder.decode(packet);
    for (let i = 0; i < pcm.length; i++) channels[i % layout.channels]?.push(pcm[i] as number);
  }
  return channels;
}

/** The candidate tone (of `candidates`) that dominates `samples`, or null when none does clearly. */
function dominantTone(samples: number[], candidates: readonly number[]): number | null {
  const powers = candidates.map((hz) => goertzelPower(samples, hz));
  const best = powers.indexOf(Math.max(...powers));
  const others = powers.filter((_, i) => i !== best);
  return others.every((p) => (powers[best] as number) > DOMINANCE * p) ? (candidates[best] as number) : null;
}

async function streamSink(layout: OpusLayout): Promise<{ tx: GameStreamAudioSender; channels: number[][] }> {
  const rx = await UdpCollector.open();
  open.push(rx);
  const tx = new GameStreamAudioSender({
    remoteHost: '127.0.0.1',
    remotePort: rx.port,
    source: 'pulse',
    bitrateBps: layout.bitrateBps,
    layout,
  });
  open.push(tx);
  const packets = await captureOpus(tx, rx);
  expect(packets.length).toBeGreaterThanOrEqual(150);
  return { tx, channels: decodeChannels(packets, layout) };
}

const cases = [
  { name: '5.1, normal quality', sinkChannels: 6, layout: OPUS_LAYOUTS[6][0] },
  { name: '7.1, high quality', sinkChannels: 8, layout: OPUS_LAYOUTS[8][1] },
];

describe.skipIf(!havePulse())('GameStream surround audio from a private PulseAudio server', () => {
  describe.each(cases)('$name from a $sinkChannels-channel sink', ({ sinkChannels, layout }) => {
    let pulse: PrivatePulse | null = null;

    beforeAll(async () => {
      pulse = await startPrivatePulse(sinkChannels);
      process.env.PULSE_SERVER = pulse.server;
    });

    afterAll(async () => {
      await pulse?.stop();
    });

    it("each speaker's tone is decoded in that speaker's channel", async () => {
      const tones = SPEAKER_HZ.slice(0, sinkChannels);
      pulse?.playChannels(tones, 20);
      const { tx, channels } = await streamSink(layout);
      expect(tx.capturedChannels).toBe(sinkChannels);
      expect(channels.map((samples) => dominantTone(samples.slice(-24_000), tones))).toEqual(tones);
    });
  });

  describe('5.1 from a stereo sink', () => {
    let pulse: PrivatePulse | null = null;

    beforeAll(async () => {
      pulse = await startPrivatePulse(2);
      process.env.PULSE_SERVER = pulse.server;
    });

    afterAll(async () => {
      await pulse?.stop();
    });

    it('captures stereo and upmixes it: left on FL, RL, right on FR, RR, both in the centre, a silent LFE', async () => {
      const [left, right] = [300, 500];
      pulse?.playChannels([left, right], 20);
      const { tx, channels } = await streamSink(OPUS_LAYOUTS[6][0]);
      expect(tx.capturedChannels).toBe(2);
      expect(tx.channels).toBe(6);
      const tail = channels.map((samples) => samples.slice(-24_000));
      const tones = [left, right] as const;
      expect([0, 1, 4, 5].map((c) => dominantTone(tail[c] as number[], tones))).toEqual([
        left,
        right,
        left,
        right,
      ]);
      const centre = tail[2] as number[];
      expect(goertzelPower(centre, left)).toBeGreaterThan(DOMINANCE * goertzelPower(centre, 700));
      expect(goertzelPower(centre, right)).toBeGreaterThan(DOMINANCE * goertzelPower(centre, 700));
      expect(Math.max(...(tail[3] as number[]).map(Math.abs))).toBeLessThan(200);
    });
  });
});

describe.skipIf(!havePipeWirePulse())(
  "GameStream surround audio through PipeWire's PulseAudio interface",
  () => {
    let pulse: PrivatePulse | null = null;

    beforeAll(async () => {
      pulse = await startPipeWirePulse(6);
      process.env.PULSE_SERVER = pulse.server;
    });

    afterAll(async () => {
      await pulse?.stop();
    });

    it("5.1: each speaker's tone is decoded in that speaker's channel", async () => {
      const tones = SPEAKER_HZ.slice(0, 6);
      pulse?.playChannels(tones, 20);
      const { tx, channels } = await streamSink(OPUS_LAYOUTS[6][0]);
      expect(tx.capturedChannels).toBe(6);
      expect(channels.map((samples) => dominantTone(samples.slice(-24_000), tones))).toEqual(tones);
    });
  },
);

describe('GameStream surround audio from the test tone', () => {
  it.each([
    ['5.1', OPUS_LAYOUTS[6][0]],
    ['7.1 high quality', OPUS_LAYOUTS[8][1]],
  ] as const)(
    '%s: CBR packets of one size (the audio FEC needs it), the tone on every channel',
    async (_, layout) => {
      const rx = await UdpCollector.open();
      open.push(rx);
      const tx = new GameStreamAudioSender({
        remoteHost: '127.0.0.1',
        remotePort: rx.port,
        bitrateBps: layout.bitrateBps,
        layout,
      });
      open.push(tx);
      expect(tx.sendAudio(200).packets).toBe(200);
      const packets = (await rx.waitFor(300))
        .filter((d) => d[1] === 97)
        .map((d) => d.subarray(RTP_HEADER_BYTES));
      expect(new Set(packets.map((p) => p.length))).toEqual(new Set([layout.bitrateBps / 8 / 200]));
      const channels = decodeChannels(packets, layout);
      for (const samples of channels)
        expect(dominantTone(samples.slice(-24_000), [440, 700, 1000])).toBe(440);
    },
  );
});
