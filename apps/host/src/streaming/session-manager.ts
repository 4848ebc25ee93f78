// Main-thread side of the streaming workers: starts one worker per session,
// hands it the control block, relays its samples to a sink (the recorder, in
// the host) and reports a worker that throws or dies without stopping the
// host or the other sessions.
import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { PathKind, SessionInfo, WorkerStatsSample } from '@punktfunk/shared';
import type { FeedbackMessage } from './client-feedback.js';
import { type ControlBlock, MAX_SESSIONS, type SessionControl } from './control-block.js';
import type {
  FrameSourceSpec,
  NativeSessionSpec,
  SendSpec,
  SessionStartedInfo,
  WorkerMessage,
} from './messages.js';
import { workerUrl } from './worker-url.js';

/** Where samples and session announcements go (the StatsRecorder, wired in the host entry). */
export interface StatsSink {
  noteSession(info: SessionInfo): void;
  noteSessionEnd?(sessionId: string): void;
  addSample(sample: WorkerStatsSample): void;
}

export interface SessionEnd {
  sessionId: string;
  frames: number;
  /** Set when the worker threw or died instead of ending normally. */
  error: string | null;
}

export interface StartSessionOptions {
  kind: PathKind;
  client: string | null;
  source: FrameSourceSpec;
  send: SendSpec;
  windowMs: number;
  settings?: SessionInfo['settings'];
  traceOutPath?: string | null;
  sessionId?: string;
}

export interface StreamingSession {
  readonly sessionId: string;
  readonly kind: PathKind;
  readonly client: string | null;
  /** Resolves with the encoder actually opened, once the worker is streaming. */
  readonly started: Promise<SessionStartedInfo>;
  readonly ended: Promise<SessionEnd>;
  feedback(message: FeedbackMessage): void;
  requestIdr(): void;
  setTargetBitrateKbps(kbps: number): void;
  /** Asks the worker to stop at the next frame; resolves when it has. */
  stop(): Promise<SessionEnd>;
  /** Terminates the worker at once (a stuck session); reported like a crash. */
  kill(): Promise<SessionEnd>;
}

export interface SessionManagerOptions {
  control: ControlBlock;
  sink: StatsSink;
  perf: boolean;
  log: (line: string) => void;
}

export class SessionManager {
  private readonly freeSlots: number[] = [...Array(MAX_SESSIONS).keys()].reverse();
  private readonly running = new Map<string, StreamingSession>();

  constructor(private readonly o: SessionManagerOptions) {}

  list(): StreamingSession[] {
    return [...this.running.values()];
  }

  start(options: StartSessionOptions): StreamingSession {
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new Error(`at most ${MAX_SESSIONS} sessions can stream at once`);
    const sessionId = options.sessionId ?? randomUUID().slice(0, 8);
    const control = this.o.control.session(slot);
    control.reset(options.source.kind === 'engine' ? options.source.bitrateKbps : 0);
    const channel = new MessageChannel();
    const spec: NativeSessionSpec = {
      sessionId,
      kind: options.kind,
      slot,
      controlBuffer: this.o.control.buffer,
      feedbackPort: channel.port2,
      perf: this.o.perf,
      windowMs: options.windowMs,
      source: options.source,
      send: options.send,
      traceOutPath: options.traceOutPath ?? null,
    };
    const worker = new Worker(workerUrl('native-worker.js', import.meta.url), {
      workerData: spec,
      transferList: [channel.port2],
    });
    const session = this.track(worker, control, channel.port1, options, sessionId, () =>
      this.freeSlots.push(slot),
    );
    this.running.set(sessionId, session);
    return session;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((s) => s.stop()));
  }

  private track(
    worker: Worker,
    control: SessionControl,
    feedbackPort: MessagePort,
    options: StartSessionOptions,
    sessionId: string,
    releaseSlot: () => void,
  ): StreamingSession {
    let frames = 0;
    let failure: string | null = null;
    let resolveStarted!: (info: SessionStartedInfo) => void;
    let rejectStarted!: (error: Error) => void;
    const started = new Promise<SessionStartedInfo>((res, rej) => {
      resolveStarted = res;
      rejectStarted = rej;
    });
    started.catch(() => {}); // a failure is reported through `ended` as well
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'started') {
        resolveStarted(m.info);
        this.o.sink.noteSession(sessionInfo(sessionId, options, m.info));
      } else if (m.type === 'sample') this.o.sink.addSample(m.sample);
      else if (m.type === 'log') this.o.log(m.line);
      else if (m.type === 'ended') frames = m.frames;
    });
    worker.on('error', (error) => {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    });
    const ended = new Promise<SessionEnd>((resolve) => {
      worker.on('exit', (exitCode) => {
        if (!failure && exitCode !== 0) failure = `worker exited with code ${exitCode}`;
        if (failure) {
          this.o.log(`session ${sessionId}: streaming worker failed: ${failure}`);
          rejectStarted(new Error(failure));
        }
        feedbackPort.close();
        this.o.sink.noteSessionEnd?.(sessionId);
        this.running.delete(sessionId);
        releaseSlot();
        resolve({ sessionId, frames, error: failure });
      });
    });
    return {
      sessionId,
      kind: options.kind,
      client: options.client,
      started,
      ended,
      feedback: (message) => feedbackPort.postMessage(message),
      requestIdr: () => control.requestIdr(),
      setTargetBitrateKbps: (kbps) => control.setTargetBitrateKbps(kbps),
      stop: () => {
        control.requestStop();
        return ended;
      },
      kill: () => {
        failure ??= 'worker was terminated';
        void worker.terminate();
        return ended;
      },
    };
  }
}

function sessionInfo(sessionId: string, o: StartSessionOptions, info: SessionStartedInfo): SessionInfo {
  return {
    sessionId,
    kind: o.kind,
    client: o.client,
    ...info,
    startedUnixMs: Date.now(),
    settings: {
      fecPercent: o.send.fecPercent,
      shardBytes: o.send.shardBytes,
      encryption: 'aes-256-gcm',
      ...o.settings,
    },
  };
}
