// OpusDecoder against the host's real audio stream: a GameStreamAudioSender
// sends a tone over UDP, the payloads are decoded here and the tone is found
// at its frequency. Malformed packets are NativeErrors, never crashes.
import { afterEach, describe, expect, it } from 'vitest';
import { GameStreamAudioSender, liveHandles, NativeError, OpusDecoder } from '../src/index.js';
import { UdpCollector } from './gamestream-receiver.js';
import { errorOf } from './support/native-error.js';

const RTP_HEADER_BYTES = 12;
const SAMPLE_RATE = 48_000;

const open: { close(): void }[] = [];

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function track<T extends { close(): void }>(o: T): T {
  open.push(o);
  return o;
}

/** The Opus payloads of `packets` data packets of a tone, as a client receives them (plain RTP). */
async function tonePayloads(toneHz: number, packets: number): Promise<Buffer[]> {
  const rx = track(await UdpCollector.open());
  const tx = track(new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, toneHz }));
  tx.sendTone(packets);
  const datagrams = await rx.waitFor(packets + (packets / 4) * 2);
  return datagrams.filter((d) => d[1] === 97).map((d) => d.subarray(RTP_HEADER_BYTES));
}

/** Power of one frequency in the signal (Goertzel filter). */
function goertzelPower(samples: number[], hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

function zeroCrossings(samples: number[]): number {
  let n = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) n++;
  return n;
}

function channel(pcm: Int16Array[], index: number, channels: number): number[] {
  return pcm.flatMap((block) => Array.from(block.filter((_, i) => i % channels === index)));
}

describe('OpusDecoder on the host audio stream', () => {
  it.each([
    [440, 1000],
    [1000, 440],
  ])(
    'a %d Hz tone decodes to 240 x 2 samples per 5 ms packet, with power at its frequency, not at %d Hz',
    async (toneHz, otherHz) => {
      const payloads = await tonePayloads(toneHz, 200); // 1 s
      const decoder = track(new OpusDecoder());
      const pcm = payloads.map((p) => decoder.decode(p));
      expect(pcm.every((block) => block instanceof Int16Array && block.length === 240 * 2)).toBe(true);
      // Skip the codec's start-up (100 ms), then measure 0.9 s of the left channel.
      const left = channel(pcm.slice(20), 0, 2);
      const right = channel(pcm.slice(20), 1, 2);
      expect(goertzelPower(left, toneHz)).toBeGreaterThan(100 * goertzelPower(left, otherHz));
      expect(goertzelPower(right, toneHz)).toBeGreaterThan(100 * goertzelPower(right, otherHz));
      // A sine crosses zero twice per period: 2 × toneHz × 0.9 s, give or take a few.
      expect(Math.abs(zeroCrossings(left) - 2 * toneHz * 0.9)).toBeLessThan(10);
    },
  );

  it('a mono decoder downmixes the stereo stream: 240 samples per packet, same tone', async () => {
    const payloads = await tonePayloads(440, 80);
    const decoder = track(new OpusDecoder({ channels: 1, sampleRate: 48_000 }));
    expect(decoder.channels).toBe(1);
    const pcm = payloads.map((p) => decoder.decode(p));
    expect(pcm.every((block) => block.length === 240)).toBe(true);
    const mono = channel(pcm.slice(20), 0, 1);
    expect(goertzelPower(mono, 440)).toBeGreaterThan(100 * goertzelPower(mono, 1000));
  });

  it('decodeLost conceals a lost packet with the requested length, continuing the tone', async () => {
    const payloads = await tonePayloads(440, 40);
    const decoder = track(new OpusDecoder());
    for (const p of payloads) decoder.decode(p);
    const concealed = decoder.decodeLost(240);
    expect(concealed).toHaveLength(480);
    expect(decoder.decodeLost(960)).toHaveLength(1920);
    // Concealment right after a steady tone is not silence.
    expect(concealed.some((s) => Math.abs(s) > 1000)).toBe(true);
  });

  it.each([
    ['code 3 with no frames', [0x03, 0x00]],
    ['code 1 with an odd length', [0x01, 0xaa, 0xbb, 0xcc]],
    ['63 frames of 20 ms (over 120 ms)', [0xff, 0xff]],
    ['code 2 whose first frame runs past the end', [0xfe, 0xfb, 0x01]],
  ])('a malformed packet (%s) is DECODER_FAILED with libopus reason', (_, bytes) => {
    const decoder = track(new OpusDecoder());
    const e = errorOf(() => decoder.decode(new Uint8Array(bytes)));
    expect(e.code).toBe('DECODER_FAILED');
    expect(e.message).toMatch(/^opus: opus_decode: (corrupted stream|invalid argument)/);
  });

  it('random garbage either decodes to whole samples or is DECODER_FAILED; the decoder keeps working', async () => {
    const decoder = track(new OpusDecoder());
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    let failed = 0;
    for (let i = 0; i < 2000; i++) {
      const packet = Uint8Array.from({ length: 1 + (random() % 200) }, random);
      try {
        const pcm = decoder.decode(packet);
        expect(pcm.length % 2).toBe(0);
        expect(pcm.length).toBeLessThanOrEqual(5760 * 2);
      } catch (e) {
        expect(e).toBeInstanceOf(NativeError);
        expect((e as NativeError).code).toBe('DECODER_FAILED');
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(0);
    const [first] = await tonePayloads(440, 4);
    expect(decoder.decode(first!)).toHaveLength(480);
  });

  it.each([
    ['3 channels', { channels: 3 }],
    ['44.1 kHz', { sampleRate: 44_100 }],
    ['channels as a string', { channels: '2' }],
  ])('rejects %s', (_, bad) => {
    expect(errorOf(() => new OpusDecoder(bad as object)).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad arguments before the native call, and says CLOSED after close', () => {
    const handles = liveHandles();
    const decoder = new OpusDecoder();
    expect(liveHandles()).toBe(handles + 1);
    expect(errorOf(() => decoder.decode(new Uint8Array(0))).message).toMatch(/non-empty Uint8Array/);
    expect(errorOf(() => decoder.decode([1, 2] as unknown as Uint8Array)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => decoder.decodeLost(0)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => decoder.decodeLost(250)).message).toMatch(/multiple of 120/);
    expect(errorOf(() => decoder.decodeLost(5760 + 120)).code).toBe('INVALID_ARGUMENT');
    decoder.close();
    expect(liveHandles()).toBe(handles);
    expect(errorOf(() => decoder.decode(new Uint8Array([0xfc, 0xff, 0xfe]))).code).toBe('CLOSED');
    expect(errorOf(() => decoder.decodeLost(240)).code).toBe('CLOSED');
  });

  it('the native side checks too (the facade bypassed)', async () => {
    const { addon } = await import('../src/binding.js');
    // Untyped, so wrong values reach the native side; it requires every field.
    const Native = addon.OpusDecoder as unknown as new (
      o: unknown,
    ) => Record<string, (...a: unknown[]) => unknown>;
    const complete = {
      channels: 2,
      sampleRate: 48000,
      streams: 0,
      coupledStreams: 0,
      mapping: new Uint8Array(0),
    };
    expect(errorOf(() => new Native({ ...complete, channels: 6 })).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => new Native(null)).code).toBe('INVALID_ARGUMENT');
    const raw = new Native(complete);
    expect(errorOf(() => raw.decode!(new Uint8Array(0))).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => raw.decode!(new Int16Array(4))).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => raw.decode!('packet')).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => raw.decodeLost!(7)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => raw.decodeLost!('x')).code).toBe('INVALID_ARGUMENT');
    raw.close!();
  });
});
