// Option validation happens here, before any native call: C++ receives only
// options that already make sense, and the caller gets a clear message.
// Each validate*() also fills every default, each in one place: the native
// side requires every field and has no defaults of its own.
import {
  CODECS,
  type Codec,
  ENCODER_BACKENDS,
  type EncoderBackend,
  type PixelFormat,
} from '@punktfunk/shared';
import type {
  NativeCaptureOptions,
  NativeDecoderOptions,
  NativeEncoderOptions,
  NativePipeWireOptions,
  NativeWlrCaptureOptions,
} from './binding.js';
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
  /** Encoder preset; default superfast (x264), ultrafast (x265), 12 (SVT-AV1) or p1 (NVENC). */
  preset?: string;
  /** Encoder threads; 0 lets the encoder choose. */
  threads?: number;
  /** YUV 4:4:4 (H.264 High 4:4:4 / HEVC Main 4:4:4; capture in yuv444p); default false: 4:2:0. */
  yuv444?: boolean;
  /** Extra encoder parameters, e.g. 'pools=2:wpp=1' (x264-params / x265-params / svtav1-params); NVENC ignores them. */
  codecParams?: string;
}

export type FrameSourceKind = 'synthetic' | 'x11' | 'pipewire' | 'wlr';
export type ConvertMethod = 'fast' | 'swscale';

/**
 * A PipeWire video node (source 'pipewire'): a remote fd plus node id, as the
 * desktop portal and Mutter hand them out, or a node id or name on the
 * default daemon ($PIPEWIRE_REMOTE / $XDG_RUNTIME_DIR).
 */
export interface PipeWireCaptureOptions {
  /** A PipeWire remote fd (portal OpenPipeWireRemote); duplicated, the caller keeps it. Needs nodeId. */
  fd?: number;
  /** The node to capture; exactly one of nodeId and nodeName. */
  nodeId?: number;
  /** node.name of a node on the default daemon. */
  nodeName?: string;
  /** Draw the cursor the compositor sends as metadata (default true). */
  cursor?: boolean;
  /** How long the node may take to negotiate and deliver its first frame (default 5000). */
  stallTimeoutMs?: number;
  /**
   * Ask the node for exactly this size (default: any size). A producer that
   * makes its picture at the size its consumer asks for (GNOME's virtual
   * monitor, RecordVirtual) makes it at this one; a node of another fixed
   * size then fails to negotiate, with this size in the reason.
   */
  fixedSize?: { width: number; height: number };
  /** Ask for this highest frame rate (maxFramerate; Mutter's virtual monitor takes it as its refresh); default: not asked. */
  maxFps?: number;
}

/**
 * An output of a wlroots compositor (sway, Hyprland, …) through its
 * screencopy protocol (source 'wlr'): no portal, no PipeWire, no GPU.
 */
export interface WlrCaptureOptions {
  /** The compositor's socket: a name in runtimeDir ('wayland-1') or an absolute path. */
  display: string;
  /** XDG_RUNTIME_DIR of the compositor's session (default: ours); needed when display is a name. */
  runtimeDir?: string;
  /** The output's name, e.g. 'HEADLESS-1' or 'DP-1' (default: the first output). */
  output?: string;
  /** Let the compositor draw the cursor into the frames (default true). */
  cursor?: boolean;
  /** How long a round trip and the first frame may take before the compositor counts as hung (default 5000). */
  timeoutMs?: number;
}

export interface CaptureOptions {
  source?: FrameSourceKind;
  /** x11: the display, e.g. ':0'; '' or absent means $DISPLAY. */
  display?: string;
  /** x11: draw the pointer into the picture (default true). */
  cursor?: boolean;
  /** The output (encoder) size; an X display of another size is scaled into it, aspect kept. */
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  convertMethod?: ConvertMethod;
  /** swscale slice threads (the fast converter is single-threaded). */
  convertThreads?: number;
  /** pipewire: which node, and how (required for source 'pipewire', refused otherwise). */
  pipewire?: PipeWireCaptureOptions;
  /** wlr: which compositor and output (required for source 'wlr', refused otherwise). */
  wlr?: WlrCaptureOptions;
}

/**
 * How frames are obtained: the test pattern, X11 through MIT-SHM, X11
 * GetImage (no MIT-SHM), a PipeWire node, e.g. "pipewire node 42 1280x720 BGRx (MemFd)", or a
 * wlroots output, e.g. "wlr-screencopy HEADLESS-1 1280x720 BGRx (damage)".
 */
export type CaptureMode =
  | 'synthetic'
  | 'shm'
  | 'get-image'
  | `pipewire node ${string}`
  | `wlr-screencopy ${string}`;

/** Where the picture sits in the output frame, in output pixels (all even). */
export interface ContentRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface X11DisplayProbe {
  /** The display answered and has a pixel format we can capture (24/32-bit BGRX). */
  reachable: boolean;
  /** The root window's size; 0 when the display did not answer. */
  width: number;
  height: number;
  /** MIT-SHM works (the server attached our memory); otherwise capture uses GetImage. */
  shm: boolean;
  /** Why not reachable, e.g. "cannot open display :5 (connection refused)"; '' when reachable. */
  reason: string;
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

export function validateEncoderOptions(o: EncoderOptions): NativeEncoderOptions {
  const what = 'encoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkOneOf(what, 'codec', o.codec, CODECS);
  const backend = o.backend ?? 'auto';
  checkOneOf(what, 'backend', backend, ENCODER_BACKENDS);
  checkSize(what, o.width, o.height);
  checkInteger(what, 'fps', o.fps, 1, LIMITS.maxFps);
  checkInteger(what, 'bitrateKbps', o.bitrateKbps, LIMITS.minBitrateKbps, LIMITS.maxBitrateKbps);
  const threads = o.threads ?? 0;
  checkInteger(what, 'threads', threads, 0, LIMITS.maxThreads);
  // '': the backend's low-latency default (superfast for x264/x265, p1 for NVENC).
  const preset = o.preset ?? '';
  if (typeof preset !== 'string' || !/^[a-z0-9]{0,16}$/.test(preset)) {
    fail(what, `preset must be a short lowercase word, got ${JSON.stringify(o.preset)}`);
  }
  const yuv444 = o.yuv444 ?? false;
  if (typeof yuv444 !== 'boolean') fail(what, `yuv444 must be a boolean, got ${JSON.stringify(o.yuv444)}`);
  // key=value pairs joined by ':' (x264-params / x265-params / svtav1-params syntax), nothing that could escape it.
  const codecParams = o.codecParams ?? '';
  if (
    typeof codecParams !== 'string' ||
    !/^([a-z0-9-]{1,32}=[a-zA-Z0-9.+-]{1,32}(:|$)){0,16}$/.test(codecParams)
  ) {
    fail(what, `codecParams must be key=value pairs joined by ':', got ${JSON.stringify(o.codecParams)}`);
  }
  const { codec, width, height, fps, bitrateKbps } = o;
  return { codec, backend, width, height, fps, bitrateKbps, preset, threads, yuv444, codecParams };
}

export function validateBitrateKbps(bitrateKbps: number): void {
  checkInteger('bitrate options', 'bitrateKbps', bitrateKbps, LIMITS.minBitrateKbps, LIMITS.maxBitrateKbps);
}

/**
 * An X display name as xcb parses it: [host]:display[.screen], e.g. ':0',
 * ':1.0', 'localhost:10', 'unix:0'. '' means $DISPLAY.
 */
export function validateDisplayName(what: string, display: unknown): string {
  if (typeof display !== 'string') fail(what, `display must be a string, got ${JSON.stringify(display)}`);
  if (display !== '' && !/^[A-Za-z0-9._\-/[\]:]{0,200}:\d+(\.\d+)?$/.test(display)) {
    fail(what, `display must look like ':0' or 'host:0.0', got ${JSON.stringify(display)}`);
  }
  return display;
}

export const PIPEWIRE_LIMITS = {
  // PipeWire ids are small integers; the engine reads them as int32.
  maxNodeId: 2 ** 31 - 1,
  maxNodeNameLength: 256,
  minStallTimeoutMs: 100,
  maxStallTimeoutMs: 60_000,
  // Mutter 43 offers sizes up to 16384x16386, but PipeWire's range check does
  // not hold each side to it: asked for 100000x1 it takes it and aborts when
  // its renderer cannot make that (docs/desktop.md). Nothing past this is asked for.
  maxFixedSide: 16_384,
  maxFps: 1000,
} as const;

function validatePipeWireOptions(what: string, o: PipeWireCaptureOptions | undefined): NativePipeWireOptions {
  if (typeof o !== 'object' || o === null)
    fail(what, "source 'pipewire' needs pipewire: { nodeId } or { nodeName }");
  const byId = o.nodeId !== undefined;
  if (byId === (o.nodeName !== undefined)) fail(what, 'pipewire needs exactly one of nodeId and nodeName');
  if (byId) checkInteger(what, 'pipewire.nodeId', o.nodeId, 0, PIPEWIRE_LIMITS.maxNodeId);
  const nodeName = o.nodeName ?? '';
  if (!byId && (typeof nodeName !== 'string' || !/^[^\0\n]+$/.test(nodeName))) {
    fail(what, `pipewire.nodeName must be a non-empty node name, got ${JSON.stringify(o.nodeName)}`);
  }
  if (nodeName.length > PIPEWIRE_LIMITS.maxNodeNameLength) fail(what, 'pipewire.nodeName is too long');
  if (o.fd !== undefined) {
    checkInteger(what, 'pipewire.fd', o.fd, 0, 2 ** 31 - 1);
    // A portal's remote shows only the nodes it granted, by id.
    if (!byId) fail(what, 'pipewire.fd needs a nodeId (the portal or Mutter gives both)');
  }
  const cursor = o.cursor ?? true;
  if (typeof cursor !== 'boolean')
    fail(what, `pipewire.cursor must be a boolean, got ${JSON.stringify(o.cursor)}`);
  const stallTimeoutMs = o.stallTimeoutMs ?? 5000;
  checkInteger(
    what,
    'pipewire.stallTimeoutMs',
    stallTimeoutMs,
    PIPEWIRE_LIMITS.minStallTimeoutMs,
    PIPEWIRE_LIMITS.maxStallTimeoutMs,
  );
  return { fd: o.fd ?? -1, nodeId: o.nodeId ?? -1, nodeName, cursor, stallTimeoutMs, ...askedMode(what, o) };
}

/** fixedSize and maxFps as the engine reads them: 0 means "not asked". */
function askedMode(what: string, o: PipeWireCaptureOptions) {
  const size = o.fixedSize;
  if (size !== undefined) {
    if (typeof size !== 'object' || size === null) fail(what, 'pipewire.fixedSize must be { width, height }');
    checkInteger(what, 'pipewire.fixedSize.width', size.width, 1, PIPEWIRE_LIMITS.maxFixedSide);
    checkInteger(what, 'pipewire.fixedSize.height', size.height, 1, PIPEWIRE_LIMITS.maxFixedSide);
  }
  if (o.maxFps !== undefined) checkInteger(what, 'pipewire.maxFps', o.maxFps, 1, PIPEWIRE_LIMITS.maxFps);
  return { fixedWidth: size?.width ?? 0, fixedHeight: size?.height ?? 0, maxFps: o.maxFps ?? 0 };
}

export const WLR_CAPTURE_LIMITS = {
  defaultTimeoutMs: 5000,
  maxTimeoutMs: 60_000,
  maxOutputNameLength: 256,
} as const;

function validateWlrOptions(what: string, o: WlrCaptureOptions | undefined): NativeWlrCaptureOptions {
  if (typeof o !== 'object' || o === null) fail(what, "source 'wlr' needs wlr: { display }");
  const { display } = o;
  if (typeof display !== 'string' || display === '' || display.includes('\0')) {
    fail(what, `wlr.display must be a socket name or path, got ${JSON.stringify(display)}`);
  }
  const runtimeDir = o.runtimeDir ?? process.env.XDG_RUNTIME_DIR ?? '';
  if (typeof runtimeDir !== 'string' || runtimeDir.includes('\0'))
    fail(what, 'wlr.runtimeDir must be a path');
  if (!display.startsWith('/') && !runtimeDir.startsWith('/')) {
    fail(
      what,
      `wlr.display ${display} is a name, so wlr.runtimeDir (or XDG_RUNTIME_DIR) must be an absolute path`,
    );
  }
  const output = o.output ?? '';
  if (
    typeof output !== 'string' ||
    output.includes('\0') ||
    output.length > WLR_CAPTURE_LIMITS.maxOutputNameLength
  ) {
    fail(what, `wlr.output must be an output name, got ${JSON.stringify(o.output)}`);
  }
  const cursor = o.cursor ?? true;
  if (typeof cursor !== 'boolean')
    fail(what, `wlr.cursor must be a boolean, got ${JSON.stringify(o.cursor)}`);
  const timeoutMs = o.timeoutMs ?? WLR_CAPTURE_LIMITS.defaultTimeoutMs;
  checkInteger(what, 'wlr.timeoutMs', timeoutMs, 1, WLR_CAPTURE_LIMITS.maxTimeoutMs);
  return { display, runtimeDir, output, cursor, timeoutMs };
}

export function validateCaptureOptions(o: CaptureOptions): NativeCaptureOptions {
  const what = 'capture options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  const source = o.source ?? 'synthetic';
  checkOneOf(what, 'source', source, ['synthetic', 'x11', 'pipewire', 'wlr']);
  if (source !== 'pipewire' && o.pipewire !== undefined) {
    fail(what, `pipewire applies to source 'pipewire' only, not '${source}'`);
  }
  if (source !== 'wlr' && o.wlr !== undefined)
    fail(what, `wlr applies to source 'wlr' only, not '${source}'`);
  if (source !== 'x11' && (o.display !== undefined || o.cursor !== undefined)) {
    fail(what, `display and cursor apply to source 'x11' only, not '${source}'`);
  }
  const display = validateDisplayName(what, o.display ?? '');
  const cursor = o.cursor ?? true;
  if (typeof cursor !== 'boolean') fail(what, `cursor must be a boolean, got ${JSON.stringify(o.cursor)}`);
  checkSize(what, o.width, o.height);
  checkOneOf(what, 'pixelFormat', o.pixelFormat, ['yuv420p', 'nv12', 'yuv444p']);
  const convertMethod = o.convertMethod ?? 'fast';
  checkOneOf(what, 'convertMethod', convertMethod, ['fast', 'swscale']);
  const convertThreads = o.convertThreads ?? 1;
  checkInteger(what, 'convertThreads', convertThreads, 1, LIMITS.maxThreads);
  const { width, height, pixelFormat } = o;
  const valid: NativeCaptureOptions = {
    source,
    display,
    cursor,
    width,
    height,
    pixelFormat,
    convertMethod,
    convertThreads,
  };
  if (source === 'pipewire') valid.pipewire = validatePipeWireOptions(what, o.pipewire);
  if (source === 'wlr') valid.wlr = validateWlrOptions(what, o.wlr);
  return valid;
}

/**
 * Where a source of srcWidth x srcHeight lands in an output frame: scaled to
 * fit with its aspect ratio, centred, even numbers (4:2:0 chroma). The engine
 * computes the same in C++ (fitContentRect in color_converter.cc); input
 * mapping uses this one, so change both or neither.
 */
export function fitContentRect(
  srcWidth: number,
  srcHeight: number,
  outWidth: number,
  outHeight: number,
): ContentRect {
  const scale = Math.min(outWidth / srcWidth, outHeight / srcHeight);
  const width = Math.min(outWidth, 2 * Math.round((srcWidth * scale) / 2));
  const height = Math.min(outHeight, 2 * Math.round((srcHeight * scale) / 2));
  return {
    x: 2 * Math.floor((outWidth - width) / 4),
    y: 2 * Math.floor((outHeight - height) / 4),
    width,
    height,
  };
}

export function validateDecoderOptions(o: DecoderOptions): NativeDecoderOptions {
  const what = 'decoder options';
  if (typeof o !== 'object' || o === null) fail(what, 'expected an object');
  checkOneOf(what, 'codec', o.codec, CODECS);
  const threads = o.threads ?? 1;
  checkInteger(what, 'threads', threads, 0, LIMITS.maxThreads);
  return { codec: o.codec, threads };
}
