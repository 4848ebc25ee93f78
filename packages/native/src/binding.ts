// Loads the compiled addon once per thread (each worker gets its own
// per-environment instance of it) and tells it which error class to throw.
// `Addon` below is the whole of what the .node exports, typed: the facades
// (index.ts, net.ts, gamestream.ts, opus.ts, input.ts) use nothing else.
//
// The Native*Options types are what each constructor requires: every field,
// no defaults. The facades fill every default before the call; the C++
// wrappers (native/src/binding/required_fields.h) throw NativeError
// INVALID_ARGUMENT naming any field that is missing or of the wrong type.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Codec, EncoderBackend, PixelFormat } from '@punktfunk/shared';
import { NativeError } from './errors.js';
import type {
  GameStreamAudioReport,
  GameStreamAudioSource,
  GameStreamAudioSourceOption,
  GameStreamFrameReport,
  GameStreamPingReport,
} from './gamestream.js';
import type { FrameSendReport, PollResult, ReceiverCounters } from './net.js';
import type { CaptureMode, ContentRect, ConvertMethod, FrameSourceKind, X11DisplayProbe } from './options.js';

export interface CaptureTiming {
  frameIndex: number;
  /** Monotonic µs (same clock as monotonicUs()) when the grab began. */
  startUs: number;
  grabUs: number;
  convertUs: number;
  /** grab + convert */
  captureUs: number;
  /** Nothing changed on the source: nothing was grabbed or converted; the frame is the previous one. */
  repeated: boolean;
}

export interface CollectResult {
  /** Annex B access unit, owned by native memory; null when none is ready. */
  data: Buffer | null;
  keyframe: boolean;
  pts: number;
  encodeUs: number;
}

export interface DecodedFrame {
  width: number;
  height: number;
  keyframe: boolean;
  /** FFmpeg's name of the decoded layout: 'yuv420p', 'yuv444p', ... */
  pixelFormat: string;
  /** The counter drawn by the synthetic source; null if none could be read. */
  frameCounter: number | null;
}

export interface DecodeResult {
  frames: DecodedFrame[];
  decodeUs: number;
}

export interface RawEncoderInfo {
  encoderName: string;
  backend: 'nvenc' | 'software';
  fallbackReason: string;
  pixelFormat: PixelFormat;
  bitrateKbps: number;
}

export interface RawCaptureInfo {
  sourceWidth: number;
  sourceHeight: number;
  captureMode: CaptureMode;
  contentRect: ContentRect;
}

export interface NativeCapture {
  capture(): CaptureTiming;
  copyBgra(): Buffer;
  info(): RawCaptureInfo;
  close(): void;
}
export interface NativeEncoder {
  info(): RawEncoderInfo;
  submit(capture: NativeCapture, forceIdr: boolean): number;
  collect(): CollectResult;
  flush(): void;
  setBitrate(bitrateKbps: number): void;
  close(): void;
}
export interface NativeDecoder {
  decode(data: Uint8Array): DecodeResult;
  flush(): DecodeResult;
  lastLuma(): Buffer;
  lastRgb(): Buffer;
  close(): void;
}

// Input injection (native/src/input); the facade is input.ts.
/** X11Input and WlrInput: the same methods; `button` takes X button numbers or evdev codes. */
/** The desktop injectors (X11, wlroots): uinput's methods plus the screen and absolute moves. */
export interface NativeDesktopInput extends NativeUinputDesktop {
  screenSize(): { width: number; height: number };
  moveTo(x: number, y: number): void;
}
export interface NativeGamepadState {
  buttons: number;
  leftTrigger: number;
  rightTrigger: number;
  leftStickX: number;
  leftStickY: number;
  rightStickX: number;
  rightStickY: number;
}
/** UinputDesktop: a virtual relative mouse and US keyboard; `button` takes evdev codes. */
export interface NativeUinputDesktop {
  moveBy(dx: number, dy: number): void;
  button(buttonCode: number, down: boolean): void;
  scroll(verticalAmount: number, horizontalAmount: number): number;
  key(virtualKey: number, down: boolean): boolean;
  text(text: string): { typed: number; skipped: number };
  releaseAll(): void;
  close(): void;
}
export type NativeEvdevEvent = [number, number, number];
export interface NativeDesktopEvents {
  mouse: NativeEvdevEvent[];
  keyboard: NativeEvdevEvent[];
}
export interface NativeUinputGamepad {
  update(state: NativeGamepadState): number;
  close(): void;
}

// The punktfunk/1 media path (native/src/net); the facade is net.ts.
export interface NativeMediaSender {
  sendFrame(data: Uint8Array, frameIndex: number, keyframe: boolean, captureStartUs: number): FrameSendReport;
  setFecPercent(fecPercent: number): void;
  localPort(): number;
  close(): void;
}

export interface NativeMediaReceiver {
  poll(timeoutMs: number): PollResult;
  counters(): ReceiverCounters;
  localPort(): number;
  close(): void;
}

// The GameStream senders (native/src/net/gs_*); the facade is gamestream.ts.
/** What both GameStream senders have: a socket on the stream port that reads the client's pings. */
export interface NativePingedSocket {
  localPort(): number;
  pollPings(): GameStreamPingReport;
  connectTo(remoteHost: string, remotePort: number): void;
  connected(): boolean;
  close(): void;
}

export interface NativeGsVideoSender extends NativePingedSocket {
  sendFrame(
    data: Uint8Array,
    frameIndex: number,
    frameType: number,
    hostLatencyUs: number,
    rtpTimestamp: number,
  ): GameStreamFrameReport;
  setFecPercent(fecPercent: number): void;
  datagramBytes(): number;
}

export interface NativeGsAudioSender extends NativePingedSocket {
  sendAudio(count: number): GameStreamAudioReport;
  audioSource(): GameStreamAudioSource;
  fallbackReason(): string | null;
  capturedChannels(): number;
}

// The Opus decoder (native/src/media/opus_decoder.h); the facade is opus.ts.
export interface NativeOpusDecoder {
  decode(packet: Uint8Array): Int16Array;
  decodeLost(samplesPerChannel: number): Int16Array;
  close(): void;
}

export interface NativeCaptureOptions {
  source: FrameSourceKind;
  /** '' means $DISPLAY (x11). */
  display: string;
  cursor: boolean;
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  convertMethod: ConvertMethod;
  convertThreads: number;
  /** Only with source 'pipewire'. */
  pipewire?: NativePipeWireOptions;
  /** Only with source 'wlr'. */
  wlr?: NativeWlrCaptureOptions;
}

/** '' output means the first output. */
export interface NativeWlrCaptureOptions {
  display: string;
  runtimeDir: string;
  output: string;
  cursor: boolean;
  timeoutMs: number;
}

/** -1 / '' mean "not given": exactly one of nodeId and nodeName is set, fd only with nodeId. */
export interface NativePipeWireOptions {
  fd: number;
  nodeId: number;
  nodeName: string;
  cursor: boolean;
  stallTimeoutMs: number;
  /** 0 x 0: any size. */
  fixedWidth: number;
  fixedHeight: number;
  /** 0: not asked. */
  maxFps: number;
}

export interface NativeEncoderOptions {
  codec: Codec;
  backend: EncoderBackend;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** '' means the backend's low-latency default. */
  preset: string;
  /** 0 lets the encoder choose. */
  threads: number;
  /** YUV 4:4:4 (pixel format yuv444p) instead of 4:2:0. */
  yuv444: boolean;
  /** Extra x264-params / x265-params / svtav1-params pairs ('' none); NVENC ignores them. */
  codecParams: string;
}

export interface NativeDecoderOptions {
  codec: Codec;
  threads: number;
}

export interface NativeMediaSenderOptions {
  remoteHost: string;
  remotePort: number;
  key: Uint8Array;
  salt: Uint8Array;
  shardBytes: number;
  fecPercent: number;
  maxDataShardsPerBlock: number;
  spreadUs: number;
  burstPackets: number;
}

export interface NativeMediaReceiverOptions {
  localAddress: string;
  localPort: number;
  key: Uint8Array;
  salt: Uint8Array;
  dropRate: number;
  dropSeed: number;
  windowFrames: number;
  maxFrameBytes: number;
}

/** The socket side of both GameStream senders. */
export interface NativeGsSocketOptions {
  /** '' and 0: no client yet (connectTo() later). */
  remoteHost: string;
  remotePort: number;
  /** '': the wildcard of remoteHost's family, or 0.0.0.0. */
  localHost: string;
  localPort: number;
  /** '': only legacy "PING" datagrams count. */
  pingPayload: string;
}

export interface NativeGsVideoSenderOptions extends NativeGsSocketOptions {
  packetSize: number;
  fecPercent: number;
  minRequiredFecPackets: number;
  payloadType: number;
  ssrc: number;
  codec: Codec;
  /** null: plaintext. */
  key: Uint8Array | null;
  initialSequence: number;
  spreadUs: number;
  burstPackets: number;
}

/** An Opus multistream layout; streams 0: the plain one for 1 or 2 channels. */
export interface NativeOpusLayout {
  channels: number;
  streams: number;
  coupledStreams: number;
  mapping: Uint8Array;
}

export interface NativeGsAudioSenderOptions extends NativeGsSocketOptions, NativeOpusLayout {
  /** null: plaintext. */
  key: Uint8Array | null;
  keyId: number;
  packetDurationMs: 5 | 10;
  bitrateBps: number;
  source: GameStreamAudioSourceOption;
  toneHz: number;
}

export interface NativeOpusDecoderOptions extends NativeOpusLayout {
  sampleRate: 48000;
}

/** Everything the .node exports (native/src/addon.cc registers it). */
export interface Addon {
  setErrorClass(cls: typeof NativeError): void;
  monotonicUs(): number;
  releaseFreeMemory(): boolean;
  openCodecContexts(): number;
  liveEncodedPackets(): number;
  liveHandles(): number;
  probeX11Display(display: string): X11DisplayProbe;
  Capture: new (options: NativeCaptureOptions) => NativeCapture;
  Encoder: new (options: NativeEncoderOptions) => NativeEncoder;
  Decoder: new (options: NativeDecoderOptions) => NativeDecoder;
  MediaSender: new (options: NativeMediaSenderOptions) => NativeMediaSender;
  MediaReceiver: new (options: NativeMediaReceiverOptions) => NativeMediaReceiver;
  GameStreamVideoSender: new (options: NativeGsVideoSenderOptions) => NativeGsVideoSender;
  GameStreamAudioSender: new (options: NativeGsAudioSenderOptions) => NativeGsAudioSender;
  OpusDecoder: new (options: NativeOpusDecoderOptions) => NativeOpusDecoder;
  X11Input: new (options: { display: string }) => NativeDesktopInput;
  WlrInput: new (options: {
    display: string;
    runtimeDir: string;
    timeoutMs: number;
    output: string;
  }) => NativeDesktopInput;
  UinputGamepad: new (options: { devicePath: string }) => NativeUinputGamepad;
  gamepadEvents(before: NativeGamepadState, after: NativeGamepadState): [number, number, number][];
  UinputDesktop: new (options: { devicePath: string }) => NativeUinputDesktop;
  uinputDesktopEvents(actions: (string | number)[][]): (NativeDesktopEvents | null)[];
  keysymForVirtualKey(virtualKey: number): number;
  keysymForCodePoint(codePoint: number): number;
}

function addonPath(): string {
  const fromEnv = process.env.PUNKTFUNK_NATIVE_ADDON;
  if (fromEnv) return fromEnv;
  // Same relative path from src/ (tests) and dist/ (built code).
  return fileURLToPath(new URL('../../../native/build/Release/punktfunk_native.node', import.meta.url));
}

function load(): Addon {
  const path = addonPath();
  if (!existsSync(path)) {
    throw new NativeError('ADDON_NOT_BUILT', `native addon not found at ${path}; run ./scripts/setup`);
  }
  const addon = createRequire(import.meta.url)(path) as Addon;
  addon.setErrorClass(NativeError);
  return addon;
}

export const addon: Addon = load();
