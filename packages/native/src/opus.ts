// The typed facade over the native Opus decoder (native/src/media/opus_decoder.h),
// for punktfunk's own GameStream test client: it turns the host's audio
// packets (RTP payloads) back into PCM. Options are checked here first.
import {
  addon,
  type NativeOpusDecoder,
  type NativeOpusDecoderOptions,
  type NativeOpusLayout,
} from './binding.js';
import { checkInteger, checkOneOf, fail } from './checks.js';

export const OPUS_LIMITS = {
  // Opus conceals loss in whole 2.5 ms steps (120 samples at 48 kHz), up to
  // its longest packet, 120 ms.
  concealStepSamples: 120,
  maxFrameSamples: 5760,
} as const;

/**
 * An Opus multistream layout (GameStream's surround-params): `streams`
 * streams, the first `coupledStreams` of them stereo; `mapping[i]` is the
 * coded channel of channel i. Without one, 1 or 2 channels are one stream.
 */
export interface OpusLayoutOptions {
  channels?: number;
  streams?: number;
  coupledStreams?: number;
  mapping?: readonly number[];
}

/** Checks a layout (1..8 channels; more than 2 need streams and mapping) and fills the plain one's zeros. */
export function validateOpusLayout(what: string, o: OpusLayoutOptions): NativeOpusLayout {
  const channels = o.channels ?? 2;
  checkInteger(what, 'channels', channels, 1, 8);
  if (o.streams === undefined && o.mapping === undefined && o.coupledStreams === undefined) {
    if (channels > 2) fail(what, 'more than 2 channels need streams, coupledStreams and mapping');
    return { channels, streams: 0, coupledStreams: 0, mapping: new Uint8Array(0) };
  }
  const { streams, coupledStreams = 0, mapping } = o;
  checkInteger(what, 'streams', streams, 1, channels);
  checkInteger(what, 'coupledStreams', coupledStreams, 0, streams as number);
  if (!Array.isArray(mapping) || mapping.length !== channels) {
    fail(what, `mapping must list one coded channel for each of the ${channels} channels`);
  }
  const coded = (streams as number) + coupledStreams;
  for (const m of mapping) checkInteger(what, 'mapping entry', m, 0, coded - 1);
  return { channels, streams: streams as number, coupledStreams, mapping: Uint8Array.from(mapping) };
}

export interface OpusDecoderOptions extends OpusLayoutOptions {
  /** Only 48000 (default): GameStream audio's rate. */
  sampleRate?: 48000;
}

/** Channels: 1 or 2 (default; a stereo stream decoded to 1 channel is downmixed), or up to 8 with a layout. */
export function validateOpusDecoderOptions(o: OpusDecoderOptions = {}): NativeOpusDecoderOptions {
  const what = 'Opus decoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const layout = validateOpusLayout(what, o);
  const sampleRate = o.sampleRate ?? 48_000;
  checkOneOf(what, 'sampleRate', sampleRate, [48_000]);
  return { ...layout, sampleRate };
}

/** Decodes Opus packets to interleaved 16-bit PCM. */
export class OpusDecoder {
  readonly channels: number;
  private readonly handle: NativeOpusDecoder;

  constructor(options: OpusDecoderOptions = {}) {
    const valid = validateOpusDecoderOptions(options);
    this.handle = new addon.OpusDecoder(valid);
    this.channels = valid.channels;
  }

  /**
   * One packet → samplesPerChannel × channels interleaved samples (240 × 2 for
   * a 5 ms GameStream packet). A malformed packet throws NativeError
   * DECODER_FAILED with libopus's reason.
   */
  decode(packet: Uint8Array): Int16Array {
    if (!(packet instanceof Uint8Array) || packet.length === 0) {
      fail('decode arguments', 'packet must be a non-empty Uint8Array (a lost packet is decodeLost)');
    }
    return this.handle.decode(packet);
  }

  /** Packet-loss concealment: what the decoder guesses for a lost packet of this length. */
  decodeLost(samplesPerChannel: number): Int16Array {
    const step = OPUS_LIMITS.concealStepSamples;
    checkInteger(
      'decodeLost arguments',
      'samplesPerChannel',
      samplesPerChannel,
      step,
      OPUS_LIMITS.maxFrameSamples,
    );
    if (samplesPerChannel % step !== 0) {
      fail(
        'decodeLost arguments',
        `samplesPerChannel must be a multiple of ${step}, got ${samplesPerChannel}`,
      );
    }
    return this.handle.decodeLost(samplesPerChannel);
  }

  close(): void {
    this.handle.close();
  }
}
