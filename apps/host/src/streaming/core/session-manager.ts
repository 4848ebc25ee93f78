// Main-thread side of the streaming workers: starts one worker per session,
// hands it the control block, relays its samples to a sink (the recorder, in
// the host) and reports a worker that throws or dies without stopping the
// host or the other sessions.
import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { monotonicUs, releaseFreeMemory } from '@punktfunk/native';
import type {
  PathKind,
  PendingTimelineEvent,
  SessionInfo,
  TimelineEventType,
  WorkerStatsSample,
} from '@punktfunk/shared';
import { type ControlBlock, type IdrReason, MAX_SESSIONS, type SessionControl } from './control-block.js';
import type { FrameRecordsBlock } from './frame-records.js';
import type {
  FrameSourceSpec,
  GameStreamSendSpec,
  GameStreamSessionSpec,
  NativeSessionSpec,
  SendSpec,
  SessionStartedInfo,
  WorkerInbound,
  WorkerMessage,
} from './messages.js';
import { pixelRate } from './stream-caps.js';
import { workerUrl } from './worker-url.js';

/** Where samples and session announcements go (the StatsRecorder, wired in the host entry). */
export interface StatsSink {
  noteSession(info: SessionInfo): void;
  noteSessionEnd?(sessionId: string): void;
  addSample(sample: WorkerStatsSample): void;
  /** A block of frame records (FRAME_RECORD_BYTES each, on the engine's clock) of one session. */
  addFrames?(sessionId: string, records: DataView, count: number): void;
  /** An event for the armed capture's lane (ignored when idle). */
  addEvent?(event: PendingTimelineEvent): void;
}

/**
 * The host's metrics as the streaming side feeds them (apps/host/src/metrics):
 * a session's labels once it streams, every frame record and window sample
 * of its worker whatever the arming, and its end.
 */
export interface SessionMetricsSink {
  /** Whether the workers measure and record every frame for it (false: PUNKTFUNK_METRICS=0, lifecycle only). */
  readonly perFrame: boolean;
  sessionStarted(info: SessionInfo): void;
  framesMeasured(sessionId: string, records: DataView, count: number): void;
  windowMeasured(sample: WorkerStatsSample): void;
  sessionEnded(sessionId: string, kind: PathKind, end: SessionEnd): void;
}

export interface SessionEnd {
  sessionId: string;
  frames: number;
  /** Set when the worker threw or died instead of ending normally. */
  error: string | null;
  /** Why a session ended (e.g. the client went silent), on its own or as its stopper said; null when failed or unsaid. */
  reason: string | null;
  /** The worker's own account of what it sent (GameStream), for the line after the reason; null without one. */
  summary: string | null;
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

export interface StartGameStreamOptions {
  client: string | null;
  source: Extract<FrameSourceSpec, { kind: 'engine' }>;
  send: GameStreamSendSpec;
  windowMs: number;
  settings?: SessionInfo['settings'];
  sessionId?: string;
  /** A /resume of a launch that streamed before (the lane says client-resume, not client-connect). */
  resumed?: boolean;
  /** The worker learned the client's address from its first video ping. */
  onClient?(address: string): void;
  /** The encoder cannot hold the stream's frame rate (its median encode time stayed over the budget). */
  onEncoderSlow?(slow: EncoderSlow): void;
}

export type EncoderSlow = Omit<Extract<WorkerMessage, { type: 'encoder-slow' }>, 'type'>;

/** What spawn() needs besides the worker's own spec. */
interface SpawnMeta {
  kind: PathKind;
  client: string | null;
  sessionId: string;
  targetBitrateKbps: number;
  /** width x height x fps of an engine source; 0 for a replay. */
  pixelRate: number;
  settings: SessionInfo['settings'];
  resumed?: boolean;
  onClient?(address: string): void;
  onEncoderSlow?(slow: EncoderSlow): void;
}

export interface StreamingSession {
  readonly sessionId: string;
  readonly kind: PathKind;
  readonly client: string | null;
  /** width x height x fps it streams (0 for a replay): what the host's stream caps add up. */
  readonly pixelRate: number;
  /** Resolves with the encoder actually opened, once the worker is streaming. */
  readonly started: Promise<SessionStartedInfo>;
  readonly ended: Promise<SessionEnd>;
  feedback(message: WorkerInbound): void;
  /** A keyframe: the client asked ('client-request', the default), or the host repairs loss the client reported ('loss-recovery'). */
  requestIdr(reason?: IdrReason): void;
  setTargetBitrateKbps(kbps: number): void;
  /** Puts an event the main thread noticed (display lost, a codec fallback) on the armed capture's lane. */
  noteEvent(type: TimelineEventType, summary: string, details: PendingTimelineEvent['details']): void;
  /** Adds to the session's settings (a note the console shows) once it has started. */
  noteSettings(settings: SessionInfo['settings']): void;
  /** Asks the worker to stop at the next frame; resolves when it has. `reason` is kept as the end's reason. */
  stop(reason?: string): Promise<SessionEnd>;
  /** Terminates the worker at once (a stuck session); reported like a crash. */
  kill(): Promise<SessionEnd>;
}

export interface SessionManagerOptions {
  control: ControlBlock;
  sink: StatsSink;
  perf: boolean;
  /** Set: the workers measure and record every frame (PUNKTFUNK_METRICS) and feed it here. */
  metrics?: SessionMetricsSink | null;
  log: (line: string) => void;
}

export class SessionManager {
  private readonly freeSlots: number[] = [...Array(MAX_SESSIONS).keys()].reverse();
  private readonly running = new Map<string, StreamingSession>();

  constructor(private readonly o: SessionManagerOptions) {}

  list(): StreamingSession[] {
    return [...this.running.values()];
  }

  /** The pixel rate of the running sessions, those of `exceptKind` left out. */
  runningPixelRate(exceptKind?: PathKind): number {
    let sum = 0;
    for (const session of this.running.values()) if (session.kind !== exceptKind) sum += session.pixelRate;
    return sum;
  }

  start(options: StartSessionOptions): StreamingSession {
    const sessionId = options.sessionId ?? randomUUID().slice(0, 8);
    const meta: SpawnMeta = {
      kind: options.kind,
      client: options.client,
      sessionId,
      targetBitrateKbps: options.source.kind === 'engine' ? options.source.bitrateKbps : 0,
      pixelRate: options.source.kind === 'engine' ? pixelRate(options.source) : 0,
      settings: {
        fecPercent: options.send.fecPercent,
        shardBytes: options.send.shardBytes,
        encryption: 'aes-256-gcm',
        ...options.settings,
      },
    };
    return this.spawn('../pf1/pf1-worker.js', meta, (slot, feedbackPort) => {
      const spec: NativeSessionSpec = {
        sessionId,
        kind: options.kind,
        slot,
        controlBuffer: this.o.control.buffer,
        feedbackPort,
        perf: this.o.perf,
        metrics: this.o.metrics?.perFrame === true,
        windowMs: options.windowMs,
        source: options.source,
        send: options.send,
        traceOutPath: options.traceOutPath ?? null,
      };
      return spec;
    });
  }

  /** A GameStream (Moonlight) session: its worker waits for the client's pings, then streams. */
  startGameStream(options: StartGameStreamOptions): StreamingSession {
    const sessionId = options.sessionId ?? randomUUID().slice(0, 8);
    const meta: SpawnMeta = {
      kind: 'gamestream',
      client: options.client,
      sessionId,
      targetBitrateKbps: options.source.bitrateKbps,
      pixelRate: pixelRate(options.source),
      settings: options.settings ?? {},
      resumed: options.resumed ?? false,
      onClient: options.onClient,
      onEncoderSlow: options.onEncoderSlow,
    };
    return this.spawn('../gamestream/gamestream-worker.js', meta, (slot, feedbackPort) => {
      const spec: GameStreamSessionSpec = {
        sessionId,
        slot,
        controlBuffer: this.o.control.buffer,
        feedbackPort,
        perf: this.o.perf,
        metrics: this.o.metrics?.perFrame === true,
        windowMs: options.windowMs,
        source: options.source,
        send: options.send,
      };
      return spec;
    });
  }

  private spawn(
    /** The worker entry, relative to this module. */
    script: string,
    meta: SpawnMeta,
    buildSpec: (slot: number, feedbackPort: MessagePort) => object,
  ): StreamingSession {
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new Error(`at most ${MAX_SESSIONS} sessions can stream at once`);
    const control = this.o.control.session(slot);
    control.reset(meta.targetBitrateKbps);
    const channel = new MessageChannel();
    const worker = new Worker(workerUrl(script, import.meta.url), {
      workerData: buildSpec(slot, channel.port2),
      transferList: [channel.port2],
    });
    const session = this.track(worker, control, channel.port1, meta, () => this.freeSlots.push(slot));
    this.running.set(meta.sessionId, session);
    return session;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((s) => s.stop()));
  }

  /** Frame records to the metrics (always) and to the recorder (only when `forCapture`). */
  private addFrames(sessionId: string, frames: FrameRecordsBlock, forCapture: boolean): void {
    const view = new DataView(frames.buffer);
    this.o.metrics?.framesMeasured(sessionId, view, frames.count);
    if (forCapture) this.o.sink.addFrames?.(sessionId, view, frames.count);
  }

  /**
   * Whether a worker's block or sample belongs to the capture: measured under
   * the generation that is current, and armed. One from before an arm or a
   * disarm (still in flight, or posted for the metrics alone) never is.
   */
  private forCapture(armGeneration: number): boolean {
    return armGeneration === this.o.control.armGeneration() && this.o.control.isArmed();
  }

  /** A worker's stats traffic (window samples, frame records, lane events) to the sink; false for any other message. */
  private relayStats(sessionId: string, m: WorkerMessage): boolean {
    if (m.type === 'sample') {
      const forCapture = this.forCapture(m.armGeneration);
      if (m.frames) this.addFrames(sessionId, m.frames, forCapture);
      this.o.metrics?.windowMeasured(m.sample);
      if (forCapture) this.o.sink.addSample(m.sample);
    } else if (m.type === 'frames') this.addFrames(sessionId, m.frames, this.forCapture(m.armGeneration));
    else if (m.type === 'events') for (const event of m.events) this.o.sink.addEvent?.(event);
    else return false;
    return true;
  }

  /** Puts the main thread's events of a session on the lane, stamped on the engine clock now. */
  private eventNoter(sessionId: string): StreamingSession['noteEvent'] {
    return (type, summary, details) =>
      this.o.sink.addEvent?.({ monoUs: monotonicUs(), sessionId, type, summary, details });
  }

  /** A session streams (or changed its settings): the recorder and the metrics hear it. */
  private announce(info: SessionInfo): void {
    this.o.sink.noteSession(info);
    this.o.metrics?.sessionStarted(info);
  }

  /** The metrics count the end of a session that streamed. */
  private reportEnd(kind: PathKind, streamed: boolean, end: SessionEnd): SessionEnd {
    if (streamed) this.o.metrics?.sessionEnded(end.sessionId, kind, end);
    return end;
  }

  private track(
    worker: Worker,
    control: SessionControl,
    feedbackPort: MessagePort,
    meta: SpawnMeta,
    releaseSlot: () => void,
  ): StreamingSession {
    const { sessionId } = meta;
    let frames = 0;
    let failure: string | null = null;
    let reason: string | null = null;
    let summary: string | null = null;
    const { promise: started, resolve: resolveStarted, reject: rejectStarted } = startedSignal();
    let startedAs: Extract<WorkerMessage, { type: 'started' }> | null = null;
    const noteEvent = this.eventNoter(sessionId);
    worker.on('message', (m: WorkerMessage) => {
      if (this.relayStats(sessionId, m)) return;
      if (m.type === 'started') {
        startedAs = m;
        resolveStarted(m.info);
        this.announce(sessionInfo(meta, m.info, m.settings));
        noteClientCame(meta, m.info, noteEvent);
      } else if (m.type === 'log') this.o.log(m.line);
      else if (m.type === 'client') meta.onClient?.(m.address);
      else if (m.type === 'encoder-slow') meta.onEncoderSlow?.(m);
      else if (m.type === 'ended') {
        frames = m.frames;
        reason = m.reason ?? reason;
        summary = m.summary ?? null;
      }
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
        if (startedAs) noteClientLeft(meta, { frames, failure, reason }, noteEvent);
        this.o.sink.noteSessionEnd?.(sessionId);
        this.running.delete(sessionId);
        releaseSlot();
        // The worker's and the encoder's threads are gone; the pages they
        // freed stay in their allocator arenas until trimmed.
        releaseFreeMemory();
        const end = { sessionId, frames, error: failure, reason: failure ? null : reason, summary };
        resolve(this.reportEnd(meta.kind, startedAs !== null, end));
      });
    });
    return {
      sessionId,
      kind: meta.kind,
      client: meta.client,
      pixelRate: meta.pixelRate,
      started,
      ended,
      feedback: (message) => feedbackPort.postMessage(message),
      requestIdr: (reason = 'client-request') => control.requestIdr(reason),
      noteEvent,
      noteSettings: (settings) => {
        meta.settings = { ...meta.settings, ...settings };
        if (startedAs) this.o.sink.noteSession(sessionInfo(meta, startedAs.info, startedAs.settings));
      },
      setTargetBitrateKbps: (kbps) => control.setTargetBitrateKbps(kbps),
      stop: (why) => {
        reason ??= why ?? null;
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

/** The lane's client-disconnect when a session that streamed ends (the worker's failure, or why it stopped). */
function noteClientLeft(
  meta: SpawnMeta,
  end: { frames: number; failure: string | null; reason: string | null },
  note: StreamingSession['noteEvent'],
): void {
  const why = end.failure ?? end.reason ?? 'stopped';
  note('client-disconnect', `${meta.client ?? 'client'} gone: ${why}`, {
    client: meta.client,
    reason: end.failure ? null : end.reason,
    error: end.failure,
    frames: end.frames,
  });
}

/** The lane's client-connect (or client-resume) once the worker streams. */
function noteClientCame(
  meta: SpawnMeta,
  info: SessionStartedInfo,
  note: StreamingSession['noteEvent'],
): void {
  const type = meta.resumed ? 'client-resume' : 'client-connect';
  const verb = meta.resumed ? 'resumed' : 'connected';
  const mode = `${info.width}x${info.height}@${info.fps} ${info.codec}`;
  note(type, `${meta.client ?? 'client'} ${verb} (${meta.kind}, ${mode})`, {
    client: meta.client,
    kind: meta.kind,
    width: info.width,
    height: info.height,
    fps: info.fps,
    codec: info.codec,
  });
}

/** Settled by the worker's 'started' message, or rejected when it fails first. */
function startedSignal(): {
  promise: Promise<SessionStartedInfo>;
  resolve: (info: SessionStartedInfo) => void;
  reject: (error: Error) => void;
} {
  let resolve!: (info: SessionStartedInfo) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<SessionStartedInfo>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a failure is reported through `ended` as well
  return { promise, resolve, reject };
}

function sessionInfo(
  meta: SpawnMeta,
  info: SessionStartedInfo,
  workerSettings: SessionInfo['settings'] = {},
): SessionInfo {
  return {
    sessionId: meta.sessionId,
    kind: meta.kind,
    client: meta.client,
    ...info,
    startedUnixMs: Date.now(),
    settings: { ...meta.settings, ...workerSettings },
  };
}
