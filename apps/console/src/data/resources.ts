// One resource per entity the console shows. Each refetches when the host
// comes back after being unreachable; the capture status and the live
// samples also follow the event stream.
import type { Capture, CaptureMeta, CaptureStatus, HostStatusResponse, StatsSample } from '@punktfunk/shared';
import { type Accessor, createEffect, createResource, createSignal, on, onCleanup } from 'solid-js';
import type { ApiClient } from './api.js';
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
  const [recordings, { refetch, mutate }] = createResource<CaptureMeta[]>(
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
  refreshStatus(): Promise<unknown>;
  setStatus(status: CaptureStatus): void;
}

/**
 * The capture as it happens: status on connect and on arm/disarm, every
 * sample as the recorder appends it, and the samples so far on (re)connect.
 */
export function createLiveCapture(deps: Deps, onDisarmed: () => void): LiveCapture {
  const [status, setStatusSignal] = createSignal<CaptureStatus>();
  const [statusAt, setStatusAt] = createSignal(performance.now());
  const [samples, setSamples] = createSignal<readonly StatsSample[]>([]);
  let pending: StatsSample[] = [];
  let frame = 0;

  const setStatus = (next: CaptureStatus) => {
    const wasArmed = status()?.armed;
    if (next.armed && !wasArmed) setSamples([]);
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
  const backlog = async () => {
    const live = await deps.api.liveCapture();
    if (!live) return;
    const seen = new Set(samples().map((s) => `${s.sessionId}@${s.tMs}`));
    const merged = [...live.samples.filter((s) => !seen.has(`${s.sessionId}@${s.tMs}`)), ...samples()];
    merged.sort((a, b) => a.tMs - b.tMs);
    setSamples(lastWindow(merged, LIVE_WINDOW_MS));
  };
  const refreshStatus = () => deps.api.captureStatus().then(setStatus, () => {});

  const stop = deps.api.captureEvents({
    open: () => void backlog().catch(() => {}),
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
  });
  onCleanup(() => {
    stop();
    cancelAnimationFrame(frame);
  });
  void refreshStatus();
  every(5000, refreshStatus);
  refetchOnReconnect(deps, refreshStatus);
  return { status, statusAt, samples, refreshStatus, setStatus };
}
