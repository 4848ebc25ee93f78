// A recording with a frame timeline, as the recorder saves it: the capture
// (samples, events, telemetry, verdict) and its `<id>.frames.bin` sidecar in
// the documented layout (encodeFramesHeader + writeFrameRecord), with
// stutters placed where a test wants them. Frames are deterministic (a seeded
// jitter), so a test can check what a chart or an analysis makes of them.
import {
  type Capture,
  type CaptureVerdict,
  encodeFramesHeader,
  FRAME_RECORD_BYTES,
  FRAMES_HEADER_BYTES,
  type HostTelemetrySample,
  type TimelineEvent,
  writeFrameRecord,
} from '@punktfunk/shared';
import { sessionInfo, statsSample } from './stats-samples.js';

export interface FixtureStutter {
  /** When it happens, s since arming. */
  atS: number;
  /** slow: one frame takes `frameMs` on the host (its submit stage); gap: no frame for `frameMs`. */
  kind?: 'slow' | 'gap';
  frameMs: number;
}

export interface RecordingFixtureOptions {
  id: string;
  /** Seconds each session streams; sessions run one after another with a 2 s pause. */
  sessionSeconds?: number;
  sessions?: number;
  fps?: number;
  stutters?: FixtureStutter[];
  events?: TimelineEvent[];
  verdict?: CaptureVerdict | null;
  /** false: the metadata says there is no timeline (no sidecar is made). */
  timeline?: boolean;
}

export interface RecordingFixture {
  capture: Capture;
  /** The sidecar's bytes; null when the recording has no timeline. */
  frames: Uint8Array | null;
}

function seededJitter(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0xffff_ffff) * 2 - 1;
  };
}

interface FrameStart {
  us: number;
  session: number;
  /** A slow frame's host time. */
  slowUs?: number;
}

/** Frame start times of every session, stutters included, in time order. */
function frameStarts(
  o: Required<Pick<RecordingFixtureOptions, 'sessionSeconds' | 'sessions' | 'fps'>>,
  stutters: FixtureStutter[],
) {
  const starts: FrameStart[] = [];
  const jitter = seededJitter(7);
  const frameUs = 1e6 / o.fps;
  for (let session = 0; session < o.sessions; session++) {
    const fromUs = session * (o.sessionSeconds + 2) * 1e6 + 500_000;
    const toUs = fromUs + o.sessionSeconds * 1e6;
    const pending = stutters.filter((s) => s.atS * 1e6 >= fromUs && s.atS * 1e6 < toUs);
    for (let us = fromUs; us < toUs; ) {
      const next = pending.find((s) => s.atS * 1e6 > us - frameUs && s.atS * 1e6 <= us);
      if (next) pending.splice(pending.indexOf(next), 1);
      const slow = next && next.kind !== 'gap';
      starts.push(slow ? { us, session, slowUs: next.frameMs * 1000 } : { us, session });
      if (next) {
        // A slow frame holds the next one up; a gap is time without frames.
        us += next.frameMs * 1000 + (slow ? 0 : frameUs);
      } else {
        us += frameUs + jitter() * 600;
      }
    }
  }
  return starts;
}

function framesFile(starts: FrameStart[], fps: number): Uint8Array {
  const bytes = new Uint8Array(FRAMES_HEADER_BYTES + starts.length * FRAME_RECORD_BYTES);
  bytes.set(encodeFramesHeader({ recordCount: starts.length, truncated: false, armedMonoUs: 1_000_000 }));
  const view = new DataView(bytes.buffer, FRAMES_HEADER_BYTES);
  const jitter = seededJitter(11);
  const counters = new Map<number, number>();
  starts.forEach((f, i) => {
    const n = counters.get(f.session) ?? 0;
    counters.set(f.session, n + 1);
    const keyframe = n % (fps * 4) === 0;
    const stagesUs = [800 + jitter() * 200, 3000 + jitter() * 800, 400 + jitter() * 100, 300 + jitter() * 80];
    if (f.slowUs) stagesUs[1] = f.slowUs - 1650;
    writeFrameRecord(view, i, {
      captureStartUs: f.us,
      frameIndex: n,
      encodedBytes: keyframe ? 90_000 : 22_000 + Math.round(jitter() * 4000),
      hostUs: stagesUs.reduce((a, b) => a + b, 0) + 150,
      sessionIndex: f.session,
      keyframe,
      repeated: false,
      stageClipped: false,
      stagesUs,
    });
  });
  return bytes;
}

function telemetry(endS: number): HostTelemetrySample[] {
  const out: HostTelemetrySample[] = [];
  const jitter = seededJitter(3);
  for (let t = 1; t <= endS; t++) {
    out.push({
      tMs: t * 1000,
      windowMs: 1000,
      machineCpuPct: 60 + jitter() * 20,
      cpuCores: 2,
      processCpuPct: 35 + jitter() * 10,
      runQueue: 1 + Math.round(Math.abs(jitter()) * 2),
      loadAvg1: 0.8,
      memUsedMb: 2100,
      memTotalMb: 8000,
      processRssMb: 180,
      gpuPct: null,
      gpuEncoderPct: null,
    });
  }
  return out;
}

/** The recording and its sidecar; write them with the host's serializeCapture and as `<id>.frames.bin`. */
export function recordingFixture(options: RecordingFixtureOptions): RecordingFixture {
  const o = { sessionSeconds: 20, sessions: 1, fps: 60, ...options };
  const starts = frameStarts(o, o.stutters ?? []);
  const endS = o.sessions * (o.sessionSeconds + 2);
  const sessions = Array.from({ length: o.sessions }, (_, i) =>
    sessionInfo({
      sessionId: `s${i + 1}`,
      client: `fixture-client-${i + 1}`,
      fps: o.fps,
      width: 1920,
      height: 1080,
    }),
  );
  const samples = [];
  for (let i = 0; i < o.sessions; i++) {
    for (let t = 2; t <= o.sessionSeconds; t += 2) {
      const tMs = (i * (o.sessionSeconds + 2) + t) * 1000 + 500;
      samples.push(statsSample(tMs, { sessionId: `s${i + 1}`, fps: o.fps, workerCpuPct: 30 + (t % 6) }));
    }
  }
  const withTimeline = o.timeline !== false;
  const capture: Capture = {
    meta: {
      id: o.id,
      name: null,
      note: null,
      startedUnixMs: Date.UTC(2026, 11, 2, 12, 0, 0),
      durationMs: endS * 1000,
      kinds: ['native'],
      kind: 'native',
      width: 1920,
      height: 1080,
      fps: o.fps,
      codec: 'h264',
      encoderBackend: 'software',
      encoderName: 'libx264',
      client: sessions[0]!.client,
      sampleCount: samples.length,
      truncated: false,
      hostName: 'fixture',
      hostVersion: '0.1.0',
      sessions,
      timeline: withTimeline ? { frames: starts.length, truncated: false } : null,
      eventCount: o.events?.length ?? 0,
      eventsTruncated: false,
      verdict: o.verdict ?? null,
      origin: null,
    },
    samples,
    events: o.events ?? [],
    telemetry: telemetry(endS),
  };
  return { capture, frames: withTimeline ? framesFile(starts, o.fps) : null };
}
