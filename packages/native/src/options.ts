// Option validation happens here, before any native call: C++ receives only
// options that already make sense, and the caller gets a clear message.
import {
  CODECS,
  type Codec,
  ENCODER_BACKENDS,
  type EncoderBackend,
  type PixelFormat,
} from '@punktfunk/shared';
import { checkInteger, checkOneOf, fail } from './checks.js';

export const LIMITS = {
  minSizePx: 16,
  maxWidthPx: 7680,
  maxHeightPx: 4320,
  maxFps: 240,
  minBitrateKbps: 100,
  // 1 Gbit/s is far beyond any LAN stream; above it is a unit mistake.
  maxBitrateKbps: 1_000_000,
  maxThreads: 64,
} as const;

export interface EncoderOptions {
  codec: Codec;
  backend?: EncoderBackend;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** Encoder preset; default superfast (x264/x265) or p1 (NVENC). */
  preset?: string;
  /** Encoder threads; 0 lets the encoder choose. */
  threads?: number;
}

export type FrameSourceKind = 'synthetic';
export type ConvertMethod = 'fast' | 'swscale';

export interface CaptureOptions {
  source?: FrameSourceKind;
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  convertMethod?: ConvertMethod;
  /** swscale slice threads (the fast converter is single-threaded). */
  convertThreads?: number;
}

export interface DecoderOptions {
  codec: Codec;
  threads?: number;
}

/** Width and height: integers, even (4:2:0 chroma needs it), within limits. */
function checkSize(what: string, width: unknown, height: unknown): void {
  checkInteger(what, 'width', width, LIMITS.minSizePx, LIMITS.maxWidthPx);
  checkInteger(what, 'height', height, LIMITS.minSizePx, LIMITS.maxHeightPx);
  if ((width as number) % 2 !== 0 || (height as number) % 2 !== 0) {
    fail(what, `width and height must be even, got ${width}x${height}`);
  }
}

export function validateEncoderOptions(o: EncoderOptions): Required<EncoderOptions> {
  const what = 'encoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkOneOf(what, 'codec', o.codec, CODECS);
  checkOneOf(what, 'backend', o.backend ?? 'auto', ENCODER_BACKENDS);
  checkSize(what, o.width, o.height);
  checkInteger(what, 'fps', o.fps, 1, LIMITS.maxFps);
  checkInteger(what, 'bitrateKbps', o.bitrateKbps, LIMITS.minBitrateKbps, LIMITS.maxBitrateKbps);
  checkInteger(what, 'threads', o.threads ?? 0, 0, LIMITS.maxThreads);
  const preset = o.preset ?? '';
  if (typeof preset !== 'string' || !/^[a-z0-9]{0,16}$/.test(preset)) {
    fail(what, `preset must be a short lowercase word, got ${JSON.stringify(o.preset)}`);
  }
  return { backend: 'auto', threads: 0, ...o, preset };
}

export function validateBitrateKbps(bitrateKbps: number): void {
  checkInteger('bitrate options', 'bitrateKbps', bitrateKbps, LIMITS.minBitrateKbps, LIMITS.maxBitrateKbps);
}

export function validateCaptureOptions(o: CaptureOptions): Required<CaptureOptions> {
  const what = 'capture options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkOneOf(what, 'source', o.source ?? 'synthetic', ['synthetic']);
  checkSize(what, o.width, o.height);
  checkOneOf(what, 'pixelFormat', o.pixelFormat, ['yuv420p', 'nv12']);
  checkOneOf(what, 'convertMethod', o.convertMethod ?? 'fast', ['fast', 'swscale']);
  checkInteger(what, 'convertThreads', o.convertThreads ?? 1, 1, LIMITS.maxThreads);
  return { source: 'synthetic', convertMethod: 'fast', convertThreads: 1, ...o };
}

export function validateDecoderOptions(o: DecoderOptions): Required<DecoderOptions> {
  const what = 'decoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkOneOf(what, 'codec', o.codec, CODECS);
  checkInteger(what, 'threads', o.threads ?? 1, 0, LIMITS.maxThreads);
  return { threads: 1, ...o };
}
