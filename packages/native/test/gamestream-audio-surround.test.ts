// Surround GameStream audio against a real, private sound server: a 5.1 or
// 7.1 null sink plays one tone per speaker (pacat with Moonlight's channel
// map), the sender captures the sink's monitor with that many channels and
// encodes the Opus multistream layout the host lists in DESCRIBE, and the
// decoder, given the same layout, finds each tone in its own channel. A
// stereo sink under a 5.1 stream is captured as stereo and upmixed, and the
// sender says so (capturedChannels). The tone source also speaks 5.1, with
// the constant packet size the audio FEC needs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_LAYOUTS, type OpusLayout } from '../../protocol/src/gamestream/opus-layouts.js';
import { GameStreamAudioSender, OpusDecoder } from '../src/index.js';
import { UdpCollector } from './gamestream-receiver.js';
import {
  goertzelPower,
  havePipeWirePulse,
  havePulse,
  type PrivatePulse,
  startPipeWirePulse,
  startPrivatePulse,
} from './support/pulse.js';

const RTP_HEADER_BYTES = 12;
// One tone per speaker, FL FR FC LFE RL RR SL SR: apart from each other and
// from each other's harmonics, and the two of a coupled pair (FL/FR, RL/RR,
// SL/SR) an octave or more apart: CELT codes a pair's nearby bands jointly.
const SPEAKER_HZ = [300, 1300, 500, 700, 900, 1900, 1100, 2300];
// The tone must beat every other speaker's tone in its channel by this much.
const DOMINANCE = 20;

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
