// What both streaming workers do before their first frame: open the encoder
// and the capture (in the encoder's pixel format, from the session's
// CaptureSpec), tell the operator what is captured and how it fits the
// client's mode, and describe the session for the 'started' message. Also
// the feedback drain both workers run at each stats boundary.
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { type CaptureOptions, FrameCapture, VideoEncoder } from '@punktfunk/native';
import type { EncoderBackend, PendingTimelineEvent } from '@punktfunk/shared';
import type { CaptureSpec } from '../../desktop/desktop-source.js';
import type { ClientFeedback } from './client-feedback.js';
import type { FrameSourceSpec, SessionStartedInfo, WorkerInbound } from './messages.js';

export type EngineSourceSpec = Extract<FrameSourceSpec, { kind: 'engine' }>;

export interface OpenedEngine {
  encoder: VideoEncoder;
  capture: FrameCapture;
  info: SessionStartedInfo;
  /** Why the requested encoder was not used (NVENC unavailable, say); null when it was. */
  fallbackReason: string | null;
  /** The backend asked for: with 'auto', software after a failed NVENC open is the expected path on a machine without one. */
  requestedBackend: EncoderBackend;
  close(): void;
}

export function captureOptions(
  spec: CaptureSpec | undefined,
): Pick<CaptureOptions, 'source' | 'display' | 'pipewire' | 'wlr'> {
  if (spec?.source === 'x11') return { source: 'x11', display: spec.display };
  if (spec?.source === 'wlr') {
    const { display, runtimeDir, output } = spec;
    return { source: 'wlr', wlr: { display, runtimeDir, ...(output ? { output } : {}) } };
  }
  if (spec?.source === 'pipewire') {
    const { fd, nodeId, nodeName, fixedSize, maxFps } = spec;
    // The fd stays the main thread's (it closes it at the stream's end); the engine duplicates it.
    const node = nodeId !== undefined ? { nodeId } : { nodeName };
    const mode = { ...(fixedSize ? { fixedSize } : {}), ...(maxFps ? { maxFps } : {}) };
    return { source: 'pipewire', pipewire: { ...(fd !== undefined ? { fd } : {}), ...node, ...mode } };
  }
  return { source: 'synthetic' };
}

export function describeCapture(capture: FrameCapture): string {
  const source = `${capture.sourceWidth}x${capture.sourceHeight}`;
  const output = `${capture.width}x${capture.height}`;
  const mode = capture.captureMode;
  if (mode === 'synthetic') return `capture: synthetic pattern ${output}`;
  const r = capture.contentRect;
  const fit =
    source === output
      ? '1:1'
      : `scaled into ${output} at ${r.x},${r.y} ${r.width}x${r.height}` +
        (r.width < capture.width || r.height < capture.height ? ' (aspect kept, black bars)' : '');
  if (mode.startsWith('pipewire ')) {
    // "pipewire node 42 1280x720 BGRx (MemFd)" -> "PipeWire 1280x720 BGRx (MemFd), node 42".
    const [, node, details] = /^pipewire node (\S+) (.*)$/.exec(mode) ?? [];
    return `capture: PipeWire ${details ?? source}${node ? `, node ${node}` : ''}, ${fit}`;
  }
  if (mode.startsWith('wlr-screencopy ')) {
    // "wlr-screencopy HEADLESS-1 1280x720 BGRx (damage)" -> "wlr screencopy 1280x720 BGRx (damage), output HEADLESS-1".
    const [, output, details] = /^wlr-screencopy (\S+) (.*)$/.exec(mode) ?? [];
    return `capture: wlr screencopy ${details ?? source}${output ? `, output ${output}` : ''}, ${fit}`;
  }
  return `capture: X11 ${source} via ${mode === 'shm' ? 'MIT-SHM' : 'GetImage'}, ${fit}`;
}

/**
 * A PipeWire or screencopy source negotiates a format and waits for the
 * desktop's first picture (seconds on a busy machine): one grab here, before
 * the frame loop's clock starts, so that wait is not the first window's
 * capture stage, and the log names the negotiated format. Its failure (a
 * node that never delivers) is the capture's error, as in the loop.
 */
function awaitFirstFrame(
  capture: FrameCapture,
  spec: CaptureSpec | undefined,
  log: (line: string) => void,
): void {
  if (spec?.source !== 'pipewire' && spec?.source !== 'wlr') return;
  const startedMs = performance.now();
  capture.capture();
  log(`capture: first ${spec.source} frame after ${(performance.now() - startedMs).toFixed(0)} ms`);
}

/** Opens encoder and capture for `source`; throws (and closes what it opened) when either cannot open. */
export function openEngine(source: EngineSourceSpec, log: (line: string) => void): OpenedEngine {
  const encoder = new VideoEncoder(source, { info: log });
  let capture: FrameCapture;
  try {
    capture = new FrameCapture({
      width: source.width,
      height: source.height,
      pixelFormat: encoder.info.pixelFormat,
      ...captureOptions(source.capture),
    });
  } catch (error) {
    encoder.close();
    throw error;
  }
  try {
    awaitFirstFrame(capture, source.capture, log);
  } catch (error) {
    capture.close();
    encoder.close();
    throw error;
  }
  log(describeCapture(capture));
  const info: SessionStartedInfo = {
    width: source.width,
    height: source.height,
    fps: source.fps,
    codec: source.codec,
    encoderName: encoder.info.encoderName,
    encoderBackend: encoder.info.backend,
    bitrateKbps: source.bitrateKbps,
  };
  return {
    encoder,
    capture,
    info,
    fallbackReason: encoder.info.fallbackReason || null,
    requestedBackend: source.backend,
    close: () => {
      capture.close();
      encoder.close();
    },
  };
}

/** The lane's event for an encoder that fell back at open; null when none did. */
export function encoderFallbackEvent(
  sessionId: string,
  engine: OpenedEngine,
  monoUs: number,
): PendingTimelineEvent | null {
  if (!engine.fallbackReason) return null;
  const { encoderName, encoderBackend } = engine.info;
  // With 'auto' the host tries NVENC first on every machine: its absence is
  // noted on the lane but is no fault of the session (the verdict skips it).
  const expected = engine.requestedBackend === 'auto';
  return {
    monoUs,
    sessionId,
    type: 'encoder-fallback',
    summary: `encoder fell back to ${encoderName} (${encoderBackend}): ${engine.fallbackReason}`,
    details: {
      stage: 'open',
      encoderName,
      encoderBackend,
      requestedBackend: engine.requestedBackend,
      expected,
      reason: engine.fallbackReason,
    },
  };
}

/** Applies every feedback message waiting on the worker's port, without yielding. */
export function drainFeedback(port: MessagePort, feedback: ClientFeedback): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const message = m.message as WorkerInbound;
    if (message.type !== 'stream-ports') feedback.apply(message);
  }
}
