// The performance-stats data model: what a streaming worker measures, what
// the recorder keeps and saves, what the API serves and the console draws.
//
// "Not measured" is `null`, never 0: a path that cannot see a figure (the
// GameStream path cannot see the client's decode, for example) says so.
import type { CaptureVerdict, HostTelemetrySample, TimelineEvent, TimelineInfo } from './timeline.js';

/** Which streaming path produced a sample. */
export type PathKind = 'native' | 'gamestream';
export const PATH_KINDS: readonly PathKind[] = ['native', 'gamestream'];

/**
 * Stage names per path, in stacking order: each is a slice of the per-frame
 * critical path, so stacking them is meaningful.
 * native:     capture (grab + colour conversion) / submit / encode / send (packetize + FEC + seal + pace + sendmmsg)
 * gamestream: capture / encode / packetize / send
 */
export const NATIVE_STAGES = ['capture', 'submit', 'encode', 'send'] as const;
export const GAMESTREAM_STAGES = ['capture', 'encode', 'packetize', 'send'] as const;
export type StageName = (typeof NATIVE_STAGES)[number] | (typeof GAMESTREAM_STAGES)[number];

export interface StageStat {
  name: StageName;
  p50Us: number;
  p99Us: number;
}

/** One aggregation window (about 2 s native, 1 s GameStream) of one session. */
export interface StatsSample {
  /** ms since the capture was armed, on the host's monotonic clock (set by the recorder). */
  tMs: number;
  sessionId: string;
  kind: PathKind;
  /** Actual length of the window in ms (monotonic). */
  windowMs: number;
  /** Frames measured in this window (frames captured before arming are excluded). */
  measuredFrames: number;
  stages: StageStat[];
  /** Host processing latency: capture start → last packet of the frame handed to the kernel. */
  hostP50Us: number | null;
  hostP99Us: number | null;
  /** New source frames per second. */
  fps: number;
  /** Repeated (unchanged, re-encoded) frames per second; null where the source cannot tell. */
  repeatFps: number | null;
  /** Everything sent on the wire: payload, headers, FEC parity, padding, tags. */
  wireMbps: number | null;
  /** The encoder's target bitrate at the end of the window. */
  bitrateKbps: number | null;
  /** Counters over the window. */
  framesDropped: number | null;
  /** Packets the kernel refused (EAGAIN / ENOBUFS) when sending. */
  sendRefused: number | null;
  /** Client-reported packets lost and frames recovered by FEC. */
  packetsLost: number | null;
  fecRecovered: number | null;
  /** Mean per-frame cost of FEC parity, AES-GCM sealing and the socket calls, in µs. */
  fecUs: number | null;
  sealUs: number | null;
  socketUs: number | null;
  /** Round-trip time to the client. */
  rttUs: number | null;
  /** Keyframes the client asked for in the window (GameStream: its IDR requests); null where the path cannot see them. */
  idrRequests: number | null;
  /** Frames the client reported it could not recover (GameStream: FEC reports of blocks beyond repair, reference-frame invalidations); null where unseen. */
  unrecoverableFrames: number | null;
  /** Client-reported decode time and end-to-end latency (capture start → decoded). */
  clientDecodeP50Us: number | null;
  e2eP50Us: number | null;
  e2eP99Us: number | null;
  /** CPU of the streaming worker thread itself over the window (/proc/self/task), % of one core. */
  workerCpuPct: number | null;
}

/** What a worker posts: a sample before the recorder stamps tMs on it. */
export type WorkerStatsSample = Omit<StatsSample, 'tMs'> & {
  /** Window end on the engine's monotonic clock (µs), shared by all threads. */
  endMonoUs: number;
};

/** A streaming session as the recorder and console see it. */
/** Where a session's picture comes from: the shared desktop, or a display made for it at its mode. */
export interface SessionDisplayInfo {
  mode: 'desktop' | 'virtual';
  /** x11, mutter, portal, wlr, pipewire, synthetic (desktop); xvfb, sway, mutter (virtual). */
  backend: string;
  /** The captured display's size; null when not known before the first frame. */
  width: number | null;
  height: number | null;
  /** "Xvfb :101 1920x1080@60", "sway HEADLESS-3 1280x800@90", "x11 :0 1920x1080 (MIT-SHM)". */
  description: string;
}

export interface SessionInfo {
  sessionId: string;
  kind: PathKind;
  client: string | null;
  width: number;
  height: number;
  fps: number;
  codec: string;
  encoderName: string;
  encoderBackend: string;
  bitrateKbps: number;
  startedUnixMs: number;
  /** Effective settings of the stream (FEC %, packet size, encryption, ...). */
  settings: Record<string, string | number | boolean | null>;
  /** The session's display (absent in captures recorded before displays were per session). */
  display?: SessionDisplayInfo | null;
}

export interface CaptureMeta {
  id: string;
  /** Operator's name and note for the recording (editable). */
  name: string | null;
  note: string | null;
  startedUnixMs: number;
  durationMs: number;
  /** Paths that contributed samples. */
  kinds: PathKind[];
  /** From the first session in the capture; null when no session ran. */
  kind: PathKind | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
  encoderBackend: string | null;
  encoderName: string | null;
  client: string | null;
  sampleCount: number;
  truncated: boolean;
  hostName: string;
  hostVersion: string;
  sessions: SessionInfo[];
  /** The per-frame sidecar (`<id>.frames.bin`); null when the capture has none. */
  timeline: TimelineInfo | null;
  /** Events on the lane, and whether more came than MAX_CAPTURE_EVENTS. */
  eventCount: number;
  eventsTruncated: boolean;
  /** Computed on stop; null for captures saved before verdicts existed. */
  verdict: CaptureVerdict | null;
  /** Where an imported recording came from; null for one recorded on this host. */
  origin: CaptureOrigin | null;
}

/**
 * An imported recording's provenance. hostName/hostVersion in the meta stay
 * those of the host that recorded it; this says when it arrived here and
 * under which id the other host kept it.
 */
export interface CaptureOrigin {
  hostName: string;
  hostVersion: string;
  importedUnixMs: number;
  originalId: string;
}

export interface Capture {
  meta: CaptureMeta;
  samples: StatsSample[];
  events: TimelineEvent[];
  telemetry: HostTelemetrySample[];
}

export interface CaptureStatus {
  armed: boolean;
  sampleCount: number;
  startedUnixMs: number | null;
  /** From the host's monotonic clock, not the browser's. */
  elapsedMs: number | null;
  kinds: PathKind[];
  truncated: boolean;
}

/** At most this many samples per capture (about 3 h at 2 s); then `truncated`. */
export const MAX_CAPTURE_SAMPLES = 5400;
