// Loads the compiled addon once per thread (each worker gets its own
// per-environment instance of it) and tells it which error class to throw.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PixelFormat } from '@punktfunk/shared';
import { NativeError } from './errors.js';
import type { CaptureMode, ContentRect, X11DisplayProbe } from './options.js';

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
export interface NativeDesktopInput {
  screenSize(): { width: number; height: number };
  moveTo(x: number, y: number): void;
  moveBy(dx: number, dy: number): void;
  button(buttonCode: number, down: boolean): void;
  scroll(verticalAmount: number, horizontalAmount: number): number;
  key(virtualKey: number, down: boolean): boolean;
  text(text: string): { typed: number; skipped: number };
  releaseAll(): void;
  close(): void;
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
export interface NativeUinputGamepad {
  update(state: NativeGamepadState): number;
  close(): void;
}

interface Addon {
  Capture: new (options: object) => NativeCapture;
  Encoder: new (options: object) => NativeEncoder;
  Decoder: new (options: object) => NativeDecoder;
  setErrorClass(cls: typeof NativeError): void;
  monotonicUs(): number;
  openCodecContexts(): number;
  liveHandles(): number;
  X11Input: new (options: { display: string }) => NativeDesktopInput;
  WlrInput: new (options: { display: string; runtimeDir: string; timeoutMs: number }) => NativeDesktopInput;
  UinputGamepad: new (options: { devicePath: string }) => NativeUinputGamepad;
  gamepadEvents(before: NativeGamepadState, after: NativeGamepadState): [number, number, number][];
  probeX11Display(display: string): X11DisplayProbe;
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
