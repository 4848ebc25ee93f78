// One resource per entity the console shows. Each refetches when the host
// comes back after being unreachable; the capture status and the live
// samples also follow the event stream.
import type {
  Capture,
  CaptureStatus,
  GameStreamAppsResponse,
  HostStatusResponse,
  PairedClientInfo,
  PairingUpdate,
  PendingPairing,
  RecordingsListResponse,
  SessionInfo,
  StatsSample,
  TimelineEvent,
} from '@punktfunk/shared';
import { type Accessor, createEffect, createResource, createSignal, on, onCleanup } from 'solid-js';
import type { ApiClient } from './api.js';
import { FRAMES_MARK, type FrameTimeline, frameTimeline } from './frames.js';
import { lastWindow } from './series.js';

interface Deps {
  api: ApiClient;
  reconnects: Accessor<number>;
}

function refetchOnReconnect(deps: Deps, refetch: () => unknown): void {
  createEffect(on(deps.reconnects, () => void refetch(), { defer: true }));
}

/**
 * A refetch that fails (the host went away) keeps what was shown; only a
 * first load that fails is an error.
 */
function keepLast<T, S = true>(fetch: (source: S) => Promise<T>) {
  return (source: S, info: { value: T | undefined }) =>
    fetch(source).catch((error: unknown) => {
      if (info.value !== undefined) return info.value;
      throw error;
    });
}

/** The resource's value, or undefined while it is in error (reading it then would throw). */
export function settled<T>(resource: { state: string; latest: T | undefined }): T | undefined {
  return resource.state === 'errored' ? undefined : resource.latest;
}

function every(ms: number, fn: () => unknown): void {
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void fn();
  }, ms);
  onCleanup(() => clearInterval(timer));
}

export function createHostStatus(deps: Deps) {
  const [status, { refetch }] = createResource<HostStatusResponse>(keepLast(() => deps.api.hostStatus()));
  refetchOnReconnect(deps, refetch);
  every(5000, refetch);
  return { status, refetch };
}

export function createRecordings(deps: Deps) {
  const [recordings, { refetch, mutate }] = createResource<RecordingsListResponse>(
    keepLast(() => deps.api.recordings()),
  );
  refetchOnReconnect(deps, refetch);
  return { recordings, refetch, mutate };
}

export function createRecording(deps: Deps, id: Accessor<string | null>) {
  const [recording, { refetch, mutate }] = createResource<Capture, string>(
    id,
    keepLast((key: string) => deps.api.recording(key)),
  );
  refetchOnReconnect(deps, refetch);
  return { recording, refetch, mutate };
}

/**
 * A recording's frame timeline, fetched, parsed and analysed once per
 * recording; not fetched at all when the metadata says it has none.
 */
export function createFrameTimeline(deps: Deps, capture: Accessor<Capture>) {
  const [timeline] = createResource<FrameTimeline, string>(
    () => (capture().meta.timeline ? capture().meta.id : null),
    async (key) => {
      performance.mark(FRAMES_MARK.fetch);
      const bytes = await deps.api.frames(key);
      performance.mark(FRAMES_MARK.fetched);
      return frameTimeline(bytes, capture().meta, capture().events);
    },
  );
  return timeline;
}

export function createRecordingsById(deps: Deps, ids: Accessor<readonly string[]>) {
  const [captures, { refetch }] = createResource<Capture[], string>(
    () => ids().join('\n') || null,
    keepLast((key: string) => Promise.all(key.split('\n').map((id) => deps.api.recording(id)))),
  );
  refetchOnReconnect(deps, refetch);
  return captures;
}

/** Ten minutes of the armed capture are kept for the live charts. */
export const LIVE_WINDOW_MS = 10 * 60 * 1000;

export interface LiveCapture {
  status: Accessor<CaptureStatus | undefined>;
  /** When `status` arrived (performance.now()), to count the host's elapsed time forward. */
  statusAt: Accessor<number>;
  samples: Accessor<readonly StatsSample[]>;
  /** Events on the armed capture's lane (keyframes, bitrate changes, markers, ...), by time. */
  events: Accessor<readonly TimelineEvent[]>;
  /**
   * Every session the console has seen by id, still known after it ended, so
   * the live charts keep its frame time and fps while they show its samples.
   */
  sessions: Accessor<ReadonlyMap<string, SessionInfo>>;
  /** Sessions the host reports streaming now. */
  noteSessions(sessions: readonly SessionInfo[]): void;
  refreshStatus(): Promise<unknown>;
  setStatus(status: CaptureStatus): void;
}

/** The live lane keeps the events of the last LIVE_WINDOW_MS, each once (the backlog and the stream overlap). */
function mergeEvents(known: readonly TimelineEvent[], added: readonly TimelineEvent[]): TimelineEvent[] {
  const key = (e: TimelineEvent) => `${e.tMs}|${e.type}|${e.sessionId}|${e.summary}`;
  const seen = new Set(known.map(key));
  const merged = [...known, ...added.filter((e) => !seen.has(key(e)))].sort((a, b) => a.tMs - b.tMs);
  const lastMs = merged.length ? merged[merged.length - 1]!.tMs : 0;
  return merged.filter((e) => e.tMs >= lastMs - LIVE_WINDOW_MS);
}

/**
 * The capture as it happens: status on connect and on arm/disarm, every
 * sample as the recorder appends it, and the samples so far whenever the
 * stream says a capture is armed (on connect, reconnect and arming; asking
 * while nothing is armed would only earn a 404).
 */
export function createLiveCapture(deps: Deps, onDisarmed: () => void): LiveCapture {
  const [status, setStatusSignal] = createSignal<CaptureStatus>();
  const [statusAt, setStatusAt] = createSignal(performance.now());
  const [samples, setSamples] = createSignal<readonly StatsSample[]>([]);
  const [events, setEvents] = createSignal<readonly TimelineEvent[]>([]);
  const [sessions, setSessions] = createSignal<ReadonlyMap<string, SessionInfo>>(new Map());
  const noteSessions = (list: readonly SessionInfo[]) => {
    const known = sessions();
    // The status poll brings new objects every time; redraw only for news.
    const same = (s: SessionInfo) => JSON.stringify(known.get(s.sessionId)) === JSON.stringify(s);
    if (list.every(same)) return;
    setSessions(new Map([...known, ...list.map((s) => [s.sessionId, s] as const)]));
  };
  let pending: StatsSample[] = [];
  let frame = 0;

  const setStatus = (next: CaptureStatus) => {
    const wasArmed = status()?.armed;
    if (next.armed && !wasArmed) {
      setSamples([]);
      setEvents([]);
    }
    setStatusSignal(next);
    setStatusAt(performance.now());
    if (wasArmed && !next.armed) onDisarmed();
  };
  const flush = () => {
    frame = 0;
    const batch = pending;
    pending = [];
    setSamples((prev) => lastWindow([...prev, ...batch], LIVE_WINDOW_MS));
  };
  // The capture's own list is in the order its sessions started, the order
  // the saved recording colours them by: it goes first, so a console opened
  // mid-capture (the host's running sessions noted already) keeps each
  // session's colour when the capture is saved.
  const noteCaptureSessions = (list: readonly SessionInfo[]) => {
    const known = sessions();
    setSessions(new Map([...list.map((s) => [s.sessionId, s] as const), ...known]));
  };
  const backlog = async () => {
    const live = await deps.api.liveCapture();
    if (!live) return;
    noteCaptureSessions(live.meta.sessions);
    const seen = new Set(samples().map((s) => `${s.sessionId}@${s.tMs}`));
    const merged = [...live.samples.filter((s) => !seen.has(`${s.sessionId}@${s.tMs}`)), ...samples()];
    merged.sort((a, b) => a.tMs - b.tMs);
    setSamples(lastWindow(merged, LIVE_WINDOW_MS));
    setEvents((known) => mergeEvents(known, live.events ?? []));
  };
  const refreshStatus = () => deps.api.captureStatus().then(setStatus, () => {});

  const stop = deps.api.captureEvents({
    // The host sends the status first on every (re)connect.
    status: (next) => {
      setStatus(next);
      if (next.armed) void backlog().catch(() => {});
    },
    sample: (sample) => {
      pending.push(sample);
      // Samples are batched per animation frame so a burst redraws once.
      if (!frame) frame = requestAnimationFrame(flush);
      setStatusSignal((prev) => (prev ? { ...prev, sampleCount: prev.sampleCount + 1 } : prev));
    },
    timelineEvent: (event) => setEvents((known) => mergeEvents(known, [event])),
  });
  onCleanup(() => {
    stop();
    cancelAnimationFrame(frame);
  });
  void refreshStatus();
  every(5000, refreshStatus);
  refetchOnReconnect(deps, refreshStatus);
  return { status, statusAt, samples, events, sessions, noteSessions, refreshStatus, setStatus };
}

/** How many ended pairing attempts the Pairing page keeps showing. */
const OUTCOMES_KEPT = 6;

export interface PairingOutcomeLine extends PairingUpdate {
  /** When the console heard of it (browser clock). */
  receivedUnixMs: number;
}

export interface Pairings {
  /** Requests waiting for a PIN, oldest first. */
  waiting: Accessor<readonly PendingPairing[]>;
  /** How the latest attempts ended, newest first; one line per request. */
  outcomes: Accessor<readonly PairingOutcomeLine[]>;
  /** Counts pairings that succeeded; the paired-clients list refetches on it. */
  pairedCount: Accessor<number>;
}

/**
 * Pairing requests as they happen, pushed by the host (no polling): the
 * waiting list on (re)connect, then each request as it arrives and ends.
 */
export function createPairings(deps: Deps): Pairings {
  const [waiting, setWaiting] = createSignal<readonly PendingPairing[]>([]);
  const [outcomes, setOutcomes] = createSignal<readonly PairingOutcomeLine[]>([]);
  const [pairedCount, setPairedCount] = createSignal(0);
  const byAge = (list: PendingPairing[]) => list.sort((a, b) => a.requestedUnixMs - b.requestedUnixMs);

  const stop = deps.api.pairingEvents({
    pending: (requests) => setWaiting(byAge([...requests])),
    pairing: (update) => {
      const { state, detail, ...request } = update;
      if (state === 'waiting') {
        setWaiting((list) =>
          list.some((r) => r.requestId === request.requestId) ? list : byAge([...list, request]),
        );
        return;
      }
      setWaiting((list) => list.filter((r) => r.requestId !== request.requestId));
      // A request can end twice (a GameStream wait that times out is cancelled, then failed): keep the last.
      setOutcomes((list) =>
        [
          { ...update, receivedUnixMs: Date.now() },
          ...list.filter((o) => o.requestId !== update.requestId),
        ].slice(0, OUTCOMES_KEPT),
      );
      if (state === 'paired') setPairedCount((n) => n + 1);
    },
  });
  onCleanup(stop);
  return { waiting, outcomes, pairedCount };
}

/** Paired clients (both protocols share one store); refetched whenever `changes` moves. */
export function createPairedClients(deps: Deps, changes: Accessor<number>) {
  const [clients, { refetch, mutate }] = createResource<PairedClientInfo[], number>(
    () => changes() + 1,
    keepLast(() => deps.api.pairedClients()),
  );
  refetchOnReconnect(deps, refetch);
  return { clients, refetch, mutate };
}

export function createGameStreamApps(deps: Deps) {
  const [apps, { refetch }] = createResource<GameStreamAppsResponse>(
    keepLast(() => deps.api.gamestreamApps()),
  );
  refetchOnReconnect(deps, refetch);
  return { apps, refetch };
}
