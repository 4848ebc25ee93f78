// The stats recorder: armed from the API, fed by the streaming paths (through
// the host, which relays their worker messages), saved to disk on stop.
//
// One instance per host process, created in main.ts and handed to both
// streaming paths and the API. It never imports streaming code: the host
// calls addSample/noteSession and mirrors isArmed() into the workers'
// shared control block from onArmedChange.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Capture,
  type CaptureMeta,
  type CaptureStatus,
  decodeFrameColumns,
  type FrameColumns,
  type HostTelemetrySample,
  MAX_CAPTURE_EVENTS,
  MAX_CAPTURE_FRAMES,
  MAX_CAPTURE_SAMPLES,
  type PathKind,
  type PendingTimelineEvent,
  parseFramesFile,
  type SessionInfo,
  type StatsSample,
  type TimelineEvent,
  type WorkerStatsSample,
} from '@punktfunk/shared';
import type { FileLog } from '../fs/private-files.js';
import { baseCaptureId } from './capture-id.js';
import { type CaptureListing, CaptureStore, type MetaPatch, serializeCapture } from './capture-store.js';
import { FrameTimeline } from './frame-timeline.js';
import { RecorderError } from './recorder-error.js';
import { verdictOnStop } from './verdict-on-stop.js';

/** A telemetry sample before the recorder stamps it: `monoUs` is the window's end on the engine clock. */
export type PendingTelemetrySample = Omit<HostTelemetrySample, 'tMs'> & { monoUs: number };

export interface RecorderLog extends FileLog {
  info(message: string): void;
  error(message: string): void;
}

export interface StatsRecorderOptions {
  /** The captures directory, e.g. ~/.config/punktfunk/captures. */
  dir: string;
  /** The engine's monotonic clock (µs), the one the workers stamp endMonoUs with. */
  nowMonoUs: () => number;
  /** Wall clock, only for startedUnixMs and the id. */
  nowUnixMs?: () => number;
  host: { name: string; version: string };
  log?: RecorderLog;
  /** Tests lower it; the host keeps MAX_CAPTURE_SAMPLES (telemetry, one a second, has the same cap). */
  maxSamples?: number;
  /** Tests lower it; the host keeps MAX_CAPTURE_FRAMES. */
  maxFrames?: number;
  /** Tests lower it; the host keeps MAX_CAPTURE_EVENTS. */
  maxEvents?: number;
  /**
   * Where shutdown() writes a capture the captures directory refused, e.g.
   * <config>/captures-unsaved; when that fails too, a fresh private (0700)
   * directory in the OS temp dir. Without it, only the temp dir is tried.
   */
  unsavedDir?: string;
  /** The last resort when no directory takes a capture at shutdown: the whole file goes here (stderr). */
  writeLastResort?: (text: string) => void;
}

interface Pending {
  baseId: string;
  capture: Capture;
  /** The `<id>.frames.bin` sidecar, saved before the JSON; null when no frame was recorded. */
  frames: Uint8Array | null;
}

interface Armed {
  armedMonoUs: number;
  startedUnixMs: number;
  samples: StatsSample[];
  truncated: boolean;
  sessions: SessionInfo[];
  kinds: Set<PathKind>;
  frames: FrameTimeline;
  events: TimelineEvent[];
  eventsTruncated: boolean;
  telemetry: HostTelemetrySample[];
}

// A capture lists the sessions that ran during it; a flapping client could
// start thousands in three hours, and metadata must stay small.
const MAX_SESSIONS_PER_CAPTURE = 256;

export class StatsRecorder {
  private armed: Armed | null = null;
  /** Sessions running now, so a capture armed mid-session still knows its resolution and codec. */
  private readonly running = new Map<string, SessionInfo>();
  private readonly armedListeners = new Set<(armed: boolean) => void>();
  private readonly sampleListeners = new Set<(sample: StatsSample) => void>();
  private readonly eventListeners = new Set<(event: TimelineEvent) => void>();
  private readonly telemetryListeners = new Set<(sample: HostTelemetrySample) => void>();
  /** Captures whose save failed (disk full, say): kept until a later stop() saves them, or shutdown() puts them elsewhere. */
  private readonly unsaved: Pending[] = [];
  private readonly nowUnixMs: () => number;
  private readonly log: RecorderLog;
  private readonly maxSamples: number;
  private readonly maxFrames: number;
  private readonly maxEvents: number;

  private constructor(
    private readonly store: CaptureStore,
    private readonly options: StatsRecorderOptions,
  ) {
    this.nowUnixMs = options.nowUnixMs ?? Date.now;
    this.log = options.log ?? console;
    this.maxSamples = options.maxSamples ?? MAX_CAPTURE_SAMPLES;
    this.maxFrames = options.maxFrames ?? MAX_CAPTURE_FRAMES;
    this.maxEvents = options.maxEvents ?? MAX_CAPTURE_EVENTS;
  }

  static async open(options: StatsRecorderOptions): Promise<StatsRecorder> {
    const log = options.log ?? console;
    const recorder = new StatsRecorder(await CaptureStore.open(options.dir, log), options);
    if (options.unsavedDir) await recorder.mentionUnsaved(options.unsavedDir);
    return recorder;
  }

  /** Captures an earlier shutdown wrote to the fallback directory are not listed: the operator is told once per start. */
  private async mentionUnsaved(unsavedDir: string): Promise<void> {
    const names = await readdir(unsavedDir).catch(() => [] as string[]);
    const count = names.filter((name) => name.endsWith('.json')).length;
    if (count > 0) {
      this.log.warn(
        `${count} capture(s) an earlier shutdown could not save in ${this.dir} wait in ${unsavedDir}; ` +
          `move them to ${this.dir} to list them`,
      );
    }
  }

  get dir(): string {
    return this.store.dir;
  }

  // ---- the streaming side ---------------------------------------------------

  isArmed(): boolean {
    return this.armed !== null;
  }

  /** Called with the new state on every arm and disarm; returns an unsubscribe function. */
  onArmedChange(listener: (armed: boolean) => void): () => void {
    this.armedListeners.add(listener);
    return () => this.armedListeners.delete(listener);
  }

  /** Called with every sample appended to the armed capture (for server-sent events). */
  onSample(listener: (sample: StatsSample) => void): () => void {
    this.sampleListeners.add(listener);
    return () => this.sampleListeners.delete(listener);
  }

  /** Called with every event put on the armed capture's lane. */
  onEvent(listener: (event: TimelineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called with every host telemetry sample appended to the armed capture. */
  onTelemetry(listener: (sample: HostTelemetrySample) => void): () => void {
    this.telemetryListeners.add(listener);
    return () => this.telemetryListeners.delete(listener);
  }

  /** A session started (or changed its settings). */
  noteSession(info: SessionInfo): void {
    this.running.set(info.sessionId, info);
    if (this.armed) this.includeSession(this.armed, info);
  }

  /** A session ended; it stays in the metadata of captures it ran in. */
  noteSessionEnd(sessionId: string): void {
    this.running.delete(sessionId);
  }

  /** Sessions running now (for the host status). */
  sessions(): SessionInfo[] {
    return [...this.running.values()];
  }

  addSample(sample: WorkerStatsSample): void {
    const armed = this.armed;
    if (!armed) return;
    // A window that ended before arming was (at least partly) measured before it.
    if (sample.endMonoUs < armed.armedMonoUs) return;
    // Keep the start of a long capture, never drop it: stop appending instead.
    if (armed.samples.length >= this.maxSamples) {
      armed.truncated = true;
      return;
    }
    const { endMonoUs, ...figures } = sample;
    const stamped: StatsSample = { tMs: (endMonoUs - armed.armedMonoUs) / 1000, ...figures };
    armed.samples.push(stamped);
    armed.kinds.add(stamped.kind);
    const session = this.running.get(stamped.sessionId);
    if (session) this.includeSession(armed, session);
    this.emit(this.sampleListeners, stamped);
  }

  /**
   * A block of frame records from a session's worker (engine clock). Ignored
   * when idle; records that started before arming are dropped; each is
   * stamped with µs since arming and the session's index in the capture's
   * sessions (a session not in them, past MAX_SESSIONS_PER_CAPTURE or never
   * announced, has no index: its records are dropped).
   */
  addFrames(sessionId: string, records: DataView, count: number): void {
    const armed = this.armed;
    if (!armed) return;
    let index = armed.sessions.findIndex((s) => s.sessionId === sessionId);
    if (index < 0) {
      const session = this.running.get(sessionId);
      if (session) this.includeSession(armed, session);
      index = armed.sessions.findIndex((s) => s.sessionId === sessionId);
      if (index < 0) return;
    }
    armed.frames.append(records, count, index);
  }

  /**
   * The armed capture's frame records so far (a copy, µs since arming,
   * session indices set; decodeFrameColumns reads it), or null when idle.
   */
  framesView(): DataView | null {
    return this.armed ? this.armed.frames.view() : null;
  }

  /**
   * An event for the lane (a worker's, the host's, an operator's marker).
   * Ignored when idle and when it happened before arming; past maxEvents the
   * capture keeps its start and says eventsTruncated. Returns the stamped
   * event, or null when it was not taken.
   */
  addEvent(event: PendingTimelineEvent): TimelineEvent | null {
    const armed = this.armed;
    if (!armed || event.monoUs < armed.armedMonoUs) return null;
    if (armed.events.length >= this.maxEvents) {
      armed.eventsTruncated = true;
      return null;
    }
    const { monoUs, ...rest } = event;
    const stamped: TimelineEvent = { tMs: (monoUs - armed.armedMonoUs) / 1000, ...rest };
    armed.events.push(stamped);
    this.emit(this.eventListeners, stamped);
    return stamped;
  }

  /** A host telemetry window; ignored when idle or ended before arming, capped like samples. */
  addTelemetry(sample: PendingTelemetrySample): void {
    const armed = this.armed;
    if (!armed || sample.monoUs < armed.armedMonoUs) return;
    if (armed.telemetry.length >= this.maxSamples) return;
    const { monoUs, ...figures } = sample;
    const stamped: HostTelemetrySample = { tMs: (monoUs - armed.armedMonoUs) / 1000, ...figures };
    armed.telemetry.push(stamped);
    this.emit(this.telemetryListeners, stamped);
  }

  /** The engine's monotonic clock (µs), for events stamped on the main thread. */
  nowMonoUs(): number {
    return this.options.nowMonoUs();
  }

  // ---- the API side ---------------------------------------------------------

  /** Arms a capture; when one is armed already, changes nothing and returns its status. */
  start(): CaptureStatus {
    if (!this.armed) {
      const armedMonoUs = this.options.nowMonoUs();
      this.armed = {
        armedMonoUs,
        startedUnixMs: this.nowUnixMs(),
        samples: [],
        truncated: false,
        sessions: [],
        kinds: new Set(),
        frames: new FrameTimeline(armedMonoUs, this.maxFrames),
        events: [],
        eventsTruncated: false,
        telemetry: [],
      };
      for (const session of this.running.values()) this.includeSession(this.armed, session);
      this.emit(this.armedListeners, true);
    }
    return this.status();
  }

  /**
   * Disarms first (workers stop measuring at once), then saves. Returns the
   * saved metadata, or null when nothing was armed. When idle, it retries
   * saves that failed earlier and returns the last one saved.
   */
  async stop(): Promise<CaptureMeta | null> {
    const pending = this.disarm();
    if (pending) return this.save(pending);
    let saved: CaptureMeta | null = null;
    for (const pending of [...this.unsaved]) saved = await this.save(pending);
    return saved;
  }

  /**
   * When the host stops: disarms, then saves the armed capture and every one
   * kept unsaved. What the captures directory still refuses is written to a
   * fallback directory (unsavedDir, else a fresh one in the OS temp dir) and
   * the log names the file; if no directory takes it, the whole capture goes
   * to writeLastResort (stderr), and the log says so. Never throws.
   */
  async shutdown(): Promise<void> {
    const ended = this.disarm();
    if (ended) this.unsaved.push(ended);
    for (const pending of [...this.unsaved]) {
      try {
        const meta = await this.store.saveNew(pending.baseId, pending.capture, pending.frames);
        this.log.info(`stats capture saved: ${meta.id} (${meta.sampleCount} samples)`);
      } catch (error) {
        await this.saveElsewhere(pending, (error as Error).message);
      }
      this.unsaved.splice(this.unsaved.indexOf(pending), 1);
    }
  }

  /** How many captures wait in memory for a successful save. */
  unsavedCount(): number {
    return this.unsaved.length;
  }

  status(): CaptureStatus {
    const armed = this.armed;
    if (!armed) {
      return {
        armed: false,
        sampleCount: 0,
        startedUnixMs: null,
        elapsedMs: null,
        kinds: [],
        truncated: false,
      };
    }
    return {
      armed: true,
      sampleCount: armed.samples.length,
      startedUnixMs: armed.startedUnixMs,
      elapsedMs: Math.round((this.options.nowMonoUs() - armed.armedMonoUs) / 1000),
      kinds: [...armed.kinds],
      truncated: armed.truncated,
    };
  }

  /** The armed capture so far (id provisional), or null when idle. */
  live(): Capture | null {
    const armed = this.armed;
    if (!armed) return null;
    return this.snapshot(armed, Math.round((this.options.nowMonoUs() - armed.armedMonoUs) / 1000));
  }

  list(): Promise<CaptureMeta[]> {
    return this.store.list();
  }

  /** The saved captures, and the files in the directory skipped with the reason. */
  listing(): Promise<CaptureListing> {
    return this.store.listing();
  }

  load(id: string): Promise<Capture> {
    return this.store.load(id);
  }

  /** A saved recording's frame timeline (see CaptureStore.loadFrames for the errors). */
  loadFrames(id: string): ReturnType<CaptureStore['loadFrames']> {
    return this.store.loadFrames(id);
  }

  delete(id: string): Promise<void> {
    return this.store.delete(id);
  }

  /**
   * Saves a recording another host exported, checked by the caller, under a
   * fresh id (from its start and size, like a local one; never the file's
   * own). It keeps the hostName/hostVersion of the host that recorded it;
   * `origin` says so, and under which id that host kept it.
   */
  importCapture(capture: Capture, frames: Uint8Array | null, baseId: string): Promise<CaptureMeta> {
    const { meta } = capture;
    const origin = {
      hostName: meta.hostName,
      hostVersion: meta.hostVersion,
      importedUnixMs: this.nowUnixMs(),
      originalId: meta.id,
    };
    return this.store.saveNew(baseId, { ...capture, meta: { ...meta, origin } }, frames);
  }

  /** Names or annotates a saved recording. */
  update(id: string, patch: MetaPatch): Promise<CaptureMeta> {
    return this.store.updateMeta(id, patch);
  }

  // ---- internals -------------------------------------------------------------

  /** Ends the armed capture (workers stop measuring at once); null when idle. */
  private disarm(): Pending | null {
    const armed = this.armed;
    if (!armed) return null;
    const durationMs = Math.round((this.options.nowMonoUs() - armed.armedMonoUs) / 1000);
    this.armed = null;
    this.emit(this.armedListeners, false);
    const capture = this.snapshot(armed, durationMs);
    // One contiguous copy of the chunks (the sidecar); the verdict reads its records, no second copy.
    const frames = armed.frames.toFile();
    capture.meta.verdict = verdictOnStop(capture, frames ? () => timelineColumns(frames) : null, this.log);
    return { baseId: capture.meta.id, capture, frames };
  }

  /** shutdown()'s fallbacks for a capture the captures directory refused; see there. */
  private async saveElsewhere(pending: Pending, reason: string): Promise<void> {
    const { unsavedDir } = this.options;
    const places = [
      ...(unsavedDir ? [async () => unsavedDir] : []),
      // mkdtemp: a fresh 0700 directory with an unguessable name, so nothing can be planted there first.
      () => mkdtemp(join(tmpdir(), 'punktfunk-unsaved-captures-')),
    ];
    const failures = [`${this.dir}: ${reason}`];
    for (const place of places) {
      let dir = '';
      try {
        dir = await place();
        const store = await CaptureStore.open(dir, this.log);
        const meta = await store.saveNew(pending.baseId, pending.capture, pending.frames);
        this.log.error(
          `stats capture ${pending.baseId} (${meta.sampleCount} samples) could not be saved in ${this.dir} ` +
            `(${reason}); saved to ${store.pathOf(meta.id)} instead`,
        );
        return;
      } catch (error) {
        failures.push(`${dir || 'a new directory in the OS temp dir'}: ${(error as Error).message}`);
      }
    }
    const marker = `punktfunk capture ${pending.baseId}`;
    // The frame timeline (up to 20 MB of binary) is not written to stderr: only the JSON is.
    const framesLost = pending.frames
      ? `; its frame timeline (${pending.capture.meta.timeline?.frames} frames) is lost`
      : '';
    this.log.error(
      `stats capture ${pending.baseId} (${pending.capture.samples.length} samples) could not be written to any directory ` +
        `(${failures.join('; ')}); the whole capture follows on stderr between "BEGIN ${marker}" and "END ${marker}"${framesLost}`,
    );
    const write = this.options.writeLastResort ?? ((text: string) => process.stderr.write(text));
    write(`BEGIN ${marker}\n${serializeCapture(pending.capture)}END ${marker}\n`);
  }

  private async save(pending: Pending): Promise<CaptureMeta> {
    try {
      const meta = await this.store.saveNew(pending.baseId, pending.capture, pending.frames);
      const index = this.unsaved.indexOf(pending);
      if (index >= 0) this.unsaved.splice(index, 1);
      this.log.info(`stats capture saved: ${meta.id} (${meta.sampleCount} samples)`);
      return meta;
    } catch (error) {
      if (!this.unsaved.includes(pending)) this.unsaved.push(pending);
      const reason = (error as Error).message;
      this.log.error(`stats capture not saved (kept in memory; stop again to retry): ${reason}`);
      throw new RecorderError('SAVE_FAILED', `capture not saved: ${reason}; stop again to retry`, {
        cause: error,
      });
    }
  }

  private includeSession(armed: Armed, info: SessionInfo): void {
    const index = armed.sessions.findIndex((s) => s.sessionId === info.sessionId);
    if (index >= 0) armed.sessions[index] = info;
    else if (armed.sessions.length < MAX_SESSIONS_PER_CAPTURE) armed.sessions.push(info);
  }

  private snapshot(armed: Armed, durationMs: number): Capture {
    const first = armed.sessions[0] ?? null;
    const meta: CaptureMeta = {
      id: baseCaptureId(armed.startedUnixMs, first?.width ?? null, first?.height ?? null),
      name: null,
      note: null,
      startedUnixMs: armed.startedUnixMs,
      durationMs,
      kinds: [...armed.kinds],
      kind: first?.kind ?? null,
      width: first?.width ?? null,
      height: first?.height ?? null,
      fps: first?.fps ?? null,
      codec: first?.codec ?? null,
      encoderBackend: first?.encoderBackend ?? null,
      encoderName: first?.encoderName ?? null,
      client: first?.client ?? null,
      sampleCount: armed.samples.length,
      truncated: armed.truncated,
      hostName: this.options.host.name,
      hostVersion: this.options.host.version,
      sessions: [...armed.sessions],
      timeline: armed.frames.info(),
      eventCount: armed.events.length,
      eventsTruncated: armed.eventsTruncated,
      verdict: null,
      origin: null,
    };
    // Workers batch their events per window, so the lane arrives slightly out of order.
    const events = armed.events.slice().sort((a, b) => a.tMs - b.tMs);
    return { meta, samples: armed.samples.slice(), events, telemetry: armed.telemetry.slice() };
  }

  // A throwing listener (a closed event stream, say) must not stop the others or the caller.
  private emit<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.log.error(`stats recorder listener failed: ${(error as Error).message}`);
      }
    }
  }
}

/** The sidecar's records as columns, for the verdict. */
function timelineColumns(frames: Uint8Array): FrameColumns {
  return decodeFrameColumns(parseFramesFile(frames).records);
}
