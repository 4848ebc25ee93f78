// What crosses between the main thread and a streaming worker. Per-frame
// signals go through the control block instead; these are per session or per
// aggregation window.

import type { MessagePort } from 'node:worker_threads';
import type { Codec, EncoderBackend, PathKind, SessionInfo, WorkerStatsSample } from '@punktfunk/shared';

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
  windowMs: number;
  source: FrameSourceSpec;
  send: SendSpec;
  /** Record the session as a trace file (for replaying a user's bad session). */
  traceOutPath: string | null;
}

/** What the worker knows once its encoder is open: the session's media settings. */
export type SessionStartedInfo = Pick<
  SessionInfo,
  'width' | 'height' | 'fps' | 'codec' | 'encoderName' | 'encoderBackend' | 'bitrateKbps'
>;

export type WorkerMessage =
  | { type: 'started'; info: SessionStartedInfo }
  | { type: 'sample'; sample: WorkerStatsSample }
  | { type: 'log'; line: string }
  | { type: 'ended'; frames: number; samplesPosted: number };
