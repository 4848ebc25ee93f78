// The typed facade over the native Opus decoder (native/src/media/opus_decoder.h),
// for punktfunk's own GameStream test client: it turns the host's audio
// packets (RTP payloads) back into PCM. Options are checked here first.
import { addon, type NativeOpusDecoder, type NativeOpusDecoderOptions } from './binding.js';
import { checkInteger, checkOneOf, fail } from './checks.js';

export const OPUS_LIMITS = {
  // Opus conceals loss in whole 2.5 ms steps (120 samples at 48 kHz), up to
  // its longest packet, 120 ms.
  concealStepSamples: 120,
  maxFrameSamples: 5760,
} as const;

export interface OpusDecoderOptions {
  /** 1 or 2 (default); a stereo stream decoded to 1 channel is downmixed. */
  channels?: 1 | 2;
  /** Only 48000 (default): GameStream audio's rate. */
  sampleRate?: 48000;
}

export function validateOpusDecoderOptions(o: OpusDecoderOptions = {}): NativeOpusDecoderOptions {
  const what = 'Opus decoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const channels = o.channels ?? 2;
  checkOneOf(what, 'channels', channels, [1, 2]);
  const sampleRate = o.sampleRate ?? 48_000;
  checkOneOf(what, 'sampleRate', sampleRate, [48_000]);
  return { channels, sampleRate };
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
