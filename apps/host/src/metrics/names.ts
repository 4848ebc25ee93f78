// The metric names, help texts and histogram buckets: the contract with
// docs/fleet.md and deploy/ (the Grafana dashboard, the Prometheus test).
// Both exporters (prom-client for /metrics, OpenTelemetry for OTLP push)
// take them from here, so the two cannot drift apart.

/**
 * Seconds, around frame budgets: 240, 144, 120, 90, 60 and 30 fps and twice
 * 60 fps, with a few steps below and above so p99s land between two bounds.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.002, 0.003, 0.004167, 0.005, 0.006944, 0.008333, 0.011111, 0.016667, 0.025, 0.033333, 0.05, 0.1,
  0.25,
];

/** The labels of every per-session metric (docs/fleet.md). */
export const SESSION_LABELS = ['path', 'codec', 'encoder', 'client'] as const;
export type SessionLabels = Record<(typeof SESSION_LABELS)[number], string>;

export const SESSION_HISTOGRAMS = {
  latency: {
    name: 'punktfunk_host_latency_seconds',
    help: "Per frame: capture start to the frame's last packet handed to the kernel",
  },
  stage: {
    name: 'punktfunk_stage_seconds',
    help: 'Per frame, each stage of the path (label stage)',
  },
} as const;

export const SESSION_GAUGES = {
  fps: { name: 'punktfunk_session_fps', help: 'New frames per second, last window' },
  repeatedFps: {
    name: 'punktfunk_session_repeated_fps',
    help: 'Frames per second that repeated an unchanged screen, last window',
  },
  wireBitsPerSecond: {
    name: 'punktfunk_session_wire_bits_per_second',
    help: 'Everything the session put on the wire (payload, headers, parity), last window',
  },
  targetBitsPerSecond: {
    name: 'punktfunk_session_target_bits_per_second',
    help: "The encoder's target bitrate",
  },
  rttSeconds: { name: 'punktfunk_session_rtt_seconds', help: 'Round trip to the client, last window' },
} as const;
export type SessionGaugeKey = keyof typeof SESSION_GAUGES;

export const SESSION_COUNTERS = {
  packetsLost: { name: 'punktfunk_session_packets_lost_total', help: 'Packets the client reported lost' },
  fecRecovered: {
    name: 'punktfunk_session_fec_recovered_total',
    help: 'Packets the client rebuilt from parity',
  },
  framesDropped: {
    name: 'punktfunk_session_frames_dropped_total',
    help: 'Frames the host dropped (frame slots it missed)',
  },
  frames: { name: 'punktfunk_session_frames_total', help: 'Frames sent' },
} as const;
export type SessionCounterKey = keyof typeof SESSION_COUNTERS;

export const HOST_METRICS = {
  sessionsStarted: { name: 'punktfunk_sessions_started_total', help: 'Sessions that started streaming' },
  sessionsEnded: { name: 'punktfunk_sessions_ended_total', help: 'Sessions that ended, by why' },
  sessionsActive: { name: 'punktfunk_sessions_active', help: 'Sessions streaming now' },
  pairingAttempts: { name: 'punktfunk_pairing_attempts_total', help: 'Pairing attempts, by outcome' },
  captureArmed: { name: 'punktfunk_capture_armed', help: '1 while a stats capture is armed' },
  hostInfo: { name: 'punktfunk_host_info', help: 'Who this host is (always 1)' },
} as const;
