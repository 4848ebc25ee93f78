// The typed facade over the native engine. Everything the rest of punktfunk
// knows of the addon goes through here: validated options in, typed results out.
import type { Codec, OpenedBackend, PixelFormat } from '@punktfunk/shared';
import {
  addon,
  type CaptureTiming,
  type CollectResult,
  type DecodeResult,
  type NativeCapture,
  type NativeDecoder,
  type NativeEncoder,
} from './binding.js';
import {
  type CaptureMode,
  type CaptureOptions,
  type ContentRect,
  type DecoderOptions,
  type EncoderOptions,
  validateBitrateKbps,
  validateCaptureOptions,
  validateDecoderOptions,
  validateDisplayName,
  validateEncoderOptions,
  type X11DisplayProbe,
} from './options.js';

export type { CaptureTiming, CollectResult, DecodedFrame, DecodeResult } from './binding.js';
export { NativeError, type NativeErrorCode } from './errors.js';
export * from './gamestream.js';
export * from './input.js';
export * from './net.js';
export * from './options.js';
export * from './opus.js';

/**
 * Grabs frames from a source (the synthetic pattern, an X11 display, a
 * PipeWire node or a wlroots compositor's output through screencopy) and
 * converts them into the encoder's format and size.
 */
export class FrameCapture {
  /** @internal the native object, handed to the encoder without copying */
  readonly handle: NativeCapture;
  /** The output (encoder) size. */
  readonly width: number;
  readonly height: number;

  /**
   * Throws NativeError CAPTURE_UNAVAILABLE when the X display, PipeWire
   * node or wlroots output cannot be opened or captured (a node that does not
   * exist or never delivers: within pipewire.stallTimeoutMs; a compositor
   * without screencopy, a missing output, no first frame within wlr.timeoutMs).
   */
  constructor(options: CaptureOptions) {
    const valid = validateCaptureOptions(options);
    this.handle = new addon.Capture(valid);
    this.width = valid.width;
    this.height = valid.height;
  }

  /**
   * The source's size: the X root window, the PipeWire stream's current
   * size (it may change mid-stream), or the output size for the synthetic source.
   */
  get sourceWidth(): number {
    return this.handle.info().sourceWidth;
  }

  get sourceHeight(): number {
    return this.handle.info().sourceHeight;
  }

  /**
   * Where the source's picture sits in the output frame (fitContentRect): the
   * whole frame at 1:1, else scaled with its aspect ratio kept and black bars
   * around. Follows a PipeWire stream's size changes from the next capture().
   */
  get contentRect(): ContentRect {
    return this.handle.info().contentRect;
  }

  get captureMode(): CaptureMode {
    return this.handle.info().captureMode;
  }

  /**
   * Grabs and converts the next frame; the frame stays in native memory.
   * `repeated`: the source did not change, the previous frame stands (an X
   * display that is still, a PipeWire node or wlroots output that sent
   * nothing new). Throws CAPTURE_UNAVAILABLE if the display is lost, the
   * PipeWire stream stalls from the start, fails, or its node or daemon goes
   * away, or the wlroots output goes away or its frames keep failing.
   */
  capture(): CaptureTiming {
    return this.handle.capture();
  }

  /** A packed copy of the last grabbed BGRA frame, source size (benchmarks, tests; not the hot path). */
  copyBgra(): Buffer {
    return this.handle.copyBgra();
  }

  close(): void {
    this.handle.close();
  }
}

/**
 * Whether an X display can be captured, and its size; never throws for a
 * display that is not there (`reason` says why). '' probes $DISPLAY.
 */
export function probeX11Display(display: string): X11DisplayProbe {
  return addon.probeX11Display(validateDisplayName('probeX11Display', display));
}

export interface EncoderInfo {
  encoderName: string;
  backend: OpenedBackend;
  /** Why a preferred encoder was not used (e.g. NVENC without a GPU); '' if none. */
  fallbackReason: string;
  pixelFormat: PixelFormat;
  codec: Codec;
}

export interface EncoderLog {
  info(message: string): void;
}

export class VideoEncoder {
  readonly info: EncoderInfo;
  private readonly handle: NativeEncoder;
  private bitrateKbpsNow: number;

  constructor(options: EncoderOptions, log: EncoderLog | null = console) {
    const valid = validateEncoderOptions(options);
    this.handle = new addon.Encoder(valid);
    const raw = this.handle.info();
    this.info = {
      encoderName: raw.encoderName,
      backend: raw.backend,
      fallbackReason: raw.fallbackReason,
      pixelFormat: raw.pixelFormat,
      codec: valid.codec,
    };
    this.bitrateKbpsNow = valid.bitrateKbps;
    log?.info(describeEncoderChoice(this.info, valid.backend));
  }

  get bitrateKbps(): number {
    return this.bitrateKbpsNow;
  }

  /** Hands the capture's current frame to the encoder; returns the call's µs. */
  submit(capture: FrameCapture, forceIdr = false): number {
    return this.handle.submit(capture.handle, forceIdr);
  }

  /** Takes one finished access unit if there is one; `encodeUs` is the wait. */
  collect(): CollectResult {
    return this.handle.collect();
  }

  /** End of stream: collect() then returns what the encoder still holds. */
  flush(): void {
    this.handle.flush();
  }

  /** Takes effect from the next frame, without a new IDR. */
  setBitrateKbps(bitrateKbps: number): void {
    validateBitrateKbps(bitrateKbps);
    this.handle.setBitrate(bitrateKbps);
    this.bitrateKbpsNow = bitrateKbps;
  }

  close(): void {
    this.handle.close();
  }
}

export function describeEncoderChoice(info: EncoderInfo, requested: string): string {
  const chosen = `encoder: ${info.encoderName} (${info.codec}, ${info.backend}, requested ${requested})`;
  return info.fallbackReason ? `${chosen}; not used: ${info.fallbackReason}` : chosen;
}

export class VideoDecoder {
  private readonly handle: NativeDecoder;

  constructor(options: DecoderOptions) {
    this.handle = new addon.Decoder(validateDecoderOptions(options));
  }

  /** Decodes one Annex B access unit; throws NativeError DECODER_FAILED on corrupt data. */
  decode(data: Uint8Array): DecodeResult {
    return this.handle.decode(data);
  }

  flush(): DecodeResult {
    return this.handle.flush();
  }

  /** Luma plane of the last decoded frame, width bytes a row. */
  lastLuma(): Buffer {
    return this.handle.lastLuma();
  }

  /** The last decoded frame as packed RGB24, 3 bytes a pixel (tests check colours at places). */
  lastRgb(): Buffer {
    return this.handle.lastRgb();
  }

  close(): void {
    this.handle.close();
  }
}

/** The engine's monotonic clock in µs: the one every stage timing uses. */
export function monotonicUs(): number {
  return addon.monotonicUs();
}

/**
 * Gives the allocator's free pages back to the kernel (glibc malloc_trim):
 * a session's threads leave them in their arenas when it ends, and a flood of
 * peer connections leaves their TLS state. True when some memory was released.
 */
export function releaseFreeMemory(): boolean {
  return addon.releaseFreeMemory();
}

/** Codec contexts open in the whole process (a leak check for tests). */
export function openCodecContexts(): number {
  return addon.openCodecContexts();
}

/** Encoded packets still held in the whole process, by JS or the engine (a leak check for tests). */
export function liveEncodedPackets(): number {
  return addon.liveEncodedPackets();
}

/** Native objects still open in this thread's environment. */
export function liveHandles(): number {
  return addon.liveHandles();
}
