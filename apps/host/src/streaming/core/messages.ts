// What crosses between the main thread and a streaming worker. Per-frame
// signals go through the control block instead; these are per session or per
// aggregation window.

import type { MessagePort } from 'node:worker_threads';
import type { OpusLayout } from '@punktfunk/protocol';
import type {
  Codec,
  EncoderBackend,
  PathKind,
  PendingTimelineEvent,
  SessionInfo,
  WorkerStatsSample,
} from '@punktfunk/shared';
import type { CaptureSpec } from '../../desktop/desktop-source.js';
import type { FeedbackMessage } from './client-feedback.js';
import type { FrameRecordsBlock } from './frame-records.js';

export type FrameSourceSpec =
  | {
      kind: 'engine';
      codec: Codec;
      backend: EncoderBackend;
      width: number;
      height: number;
      fps: number;
      bitrateKbps: number;
      preset?: string;
      /** YUV 4:4:4 (GameStream clients that ask for it); 4:2:0 when absent. */
      yuv444?: boolean;
      /** Where the picture comes from; the synthetic pattern when absent. */
      capture?: CaptureSpec;
    }
  | { kind: 'trace'; tracePath: string; virtualClock: boolean };

export interface SendSpec {
  remoteHost: string;
  remotePort: number;
  key: Uint8Array;
  salt: Uint8Array;
  shardBytes: number;
  fecPercent: number;
}

/** workerData of a native (punktfunk/1) streaming worker. */
export interface NativeSessionSpec {
  sessionId: string;
  kind: PathKind;
  slot: number;
  controlBuffer: SharedArrayBuffer;
  /** Client feedback arrives here; the worker drains it synchronously at each boundary. */
  feedbackPort: MessagePort;
  perf: boolean;
  /** PUNKTFUNK_METRICS: every frame measured and recorded for the host's metrics. */
  metrics: boolean;
  windowMs: number;
  source: FrameSourceSpec;
  send: SendSpec;
  /** Record the session as a trace file (for replaying a user's bad session). */
  traceOutPath: string | null;
}

/** The GameStream video and audio lanes of one session (docs/gamestream.md). */
export interface GameStreamSendSpec {
  /** Local address the stream sockets bind to (the GameStream bind address). */
  bindHost: string;
  videoPort: number;
  audioPort: number;
  /** X-SS-Ping-Payload: only pings carrying it can claim the stream. */
  pingPayload: string;
  /** The client's ANNOUNCE: NV header + payload bytes per video packet. */
  packetSize: number;
  fecPercent: number;
  minRequiredFecPackets: number;
  /** rikey: set for video (and audio) only when that encryption was negotiated. */
  videoKey: Uint8Array | null;
  audioKey: Uint8Array | null;
  /** rikeyid, the audio IV base. */
  audioKeyId: number;
  audioPacketDurationMs: 5 | 10;
  /** The Opus layout the client picked from DESCRIBE's surround-params (stereo, 5.1, 7.1). */
  audioLayout: OpusLayout;
  /** Without a video ping for this long the client is gone and the stream ends. */
  clientTimeoutMs: number;
}

/** Where a client's ping came from. */
export interface PingSource {
  host: string;
  port: number;
}

/**
 * Main thread → GameStream worker: the video and audio ports are free to bind
 * (the main thread held them from RTSP SETUP so the first pings were heard),
 * and where the client pinged each from (null: not yet; the worker's own
 * sockets will hear it).
 */
export interface StreamPortsMessage {
  type: 'stream-ports';
  video: PingSource | null;
  audio: PingSource | null;
}

/** What the main thread posts on a worker's feedback port. */
export type WorkerInbound = FeedbackMessage | StreamPortsMessage;

/** workerData of a GameStream streaming worker. */
export interface GameStreamSessionSpec {
  sessionId: string;
  slot: number;
  controlBuffer: SharedArrayBuffer;
  feedbackPort: MessagePort;
  perf: boolean;
  /** PUNKTFUNK_METRICS: every frame measured and recorded for the host's metrics. */
  metrics: boolean;
  windowMs: number;
  source: Extract<FrameSourceSpec, { kind: 'engine' }>;
  send: GameStreamSendSpec;
}

/** What the worker knows once its encoder is open: the session's media settings. */
export type SessionStartedInfo = Pick<
  SessionInfo,
  'width' | 'height' | 'fps' | 'codec' | 'encoderName' | 'encoderBackend' | 'bitrateKbps'
>;

export type WorkerMessage =
  /** `settings`: what only the worker knows (the audio source it could open), added to the session's. */
  | { type: 'started'; info: SessionStartedInfo; settings?: SessionInfo['settings'] }
  /**
   * `frames`: the window's frame records (armed or metrics on); its buffer is
   * transferred, not copied. `armGeneration`: the control block's generation
   * it was measured under: only the current, armed one goes to the recorder.
   */
  | { type: 'sample'; sample: WorkerStatsSample; frames: FrameRecordsBlock | null; armGeneration: number }
  /** Frame records of a block that filled before the window ended (or was cut at an arm or disarm). */
  | { type: 'frames'; frames: FrameRecordsBlock; armGeneration: number }
  /** Events for the armed capture's lane: a window's batch (after its sample), or one at once (an encoder fallback). */
  | { type: 'events'; events: PendingTimelineEvent[] }
  | { type: 'log'; line: string }
  /** GameStream: the client's address, learned from its pings. */
  | { type: 'client'; address: string }
  /** GameStream: the encoder's median time per frame stayed over the frame budget (it cannot hold the mode). */
  | { type: 'encoder-slow'; encodeP50Us: number; budgetUs: number; frames: number }
  /** `reason` says why a session ended on its own (a client that went silent); null when asked to stop. */
  /** `summary`: what the worker sent, printed by its owner after the reason the stream ended. */
  | { type: 'ended'; frames: number; samplesPosted: number; reason?: string | null; summary?: string };

/** Posts a worker message, transferring the frame records' buffer (one block per window) instead of copying it. */
export function postWorkerMessage(
  port: { postMessage(message: unknown, transfer?: ArrayBuffer[]): void } | null | undefined,
  message: WorkerMessage,
): void {
  const frames = message.type === 'sample' || message.type === 'frames' ? message.frames : null;
  if (frames) port?.postMessage(message, [frames.buffer]);
  else port?.postMessage(message);
}
