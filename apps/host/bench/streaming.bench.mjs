// Benchmarks of the streaming core:
// (a) frame-loop throughput armed vs disarmed: the cost of measuring (window
//     stats and the per-frame timeline record), as a ratio in one run
//     (target >= 0.99: stats cost under 1 %), and the record write alone
//     against a baseline loop in the same run (ns per frame);
// (m) frame-loop throughput with per-frame metrics on vs off (PUNKTFUNK_METRICS:
//     every frame measured and recorded whatever the arming), disarmed, as a
//     ratio in one run; and the main thread's histogram feed per frame
//     (SessionMetrics.framesMeasured over a window's block) in ns;
// (d) host processing latency p50/p99 (capture start -> last datagram handed
//     to the kernel) at 720p60 and 1080p60 with libx264, streaming for real
//     through a worker to a loopback receiver, and the CPU per frame.
import { randomBytes } from 'node:crypto';
import { MediaReceiver, MediaSender, monotonicUs } from '@punktfunk/native';
import { FRAME_RECORD_BYTES, writeFrameRecord } from '@punktfunk/shared';
import { Registry } from 'prom-client';
import { HostMetrics } from '../dist/metrics/host-metrics.js';
import { startOtlpPush } from '../dist/metrics/otlp-push.js';
import { SessionMetrics } from '../dist/metrics/session-metrics.js';
import { ClientFeedback } from '../dist/streaming/core/client-feedback.js';
import { ControlBlock } from '../dist/streaming/core/control-block.js';
import { VirtualClock } from '../dist/streaming/core/frame-clock.js';
import { runFrameLoop } from '../dist/streaming/core/frame-loop.js';
import { blockCapacity, FrameRecordWriter } from '../dist/streaming/core/frame-records.js';
import { SessionManager } from '../dist/streaming/core/session-manager.js';
import { StatsWindow } from '../dist/streaming/core/stats-window.js';
import { readTrace } from '../dist/streaming/core/trace.js';
import { TracePipeline } from '../dist/streaming/pf1/pf1-pipelines.js';

const steady = readTrace(new URL('../traces/steady-60fps.jsonl', import.meta.url).pathname);
const longTrace = { header: steady.header, frames: Array.from({ length: 10 }, () => steady.frames).flat() };

function loopFramesPerSecond(armed, metrics = false) {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt, windowFrames: 64 });
  const sender = new MediaSender({
    remoteHost: '127.0.0.1',
    remotePort: receiver.localPort,
    key,
    salt,
    spreadUs: 0,
  });
  const control = new ControlBlock();
  control.setArmed(armed);
  const session = control.session(0);
  session.reset(0);
  const clock = new VirtualClock(monotonicUs());
  let samples = 0;
  let records = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const summary = runFrameLoop({
    sessionId: 'bench',
    kind: 'native',
    fps: 60,
    windowMs: 2000,
    perf: false,
    metrics,
    control,
    session,
    clock,
    pipeline: new TracePipeline(longTrace, sender, clock, monotonicUs),
    feedback: new ClientFeedback(),
    drainFeedback: () => {},
    onSample: (_sample, frames) => {
      samples++;
      records += frames?.count ?? 0;
    },
    onFrames: (frames) => {
      records += frames.count;
    },
    log: () => {},
    afterFrame: () => receiver.poll(0),
  });
  if ((armed || metrics) && records === 0)
    throw new Error('armed or metrics on, yet no frame record was handed over');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  sender.close();
  receiver.close();
  // Frames per CPU second: everything runs on this thread (no worker), so the
  // process's CPU time is the loop's, and other processes' load does not count.
  return { fps: summary.frames / seconds, cpuFps: summary.frames / ((cpu.user + cpu.system) / 1e6), samples };
}

const RUNS = 20;

function benchArmedCost() {
  loopFramesPerSecond(false); // warm-up
  const armed = [];
  const disarmed = [];
  // Alternating runs, best of each: on a shared machine the slow runs are
  // other processes' noise, the fastest run is the code's own cost.
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) disarmed.push(loopFramesPerSecond(false));
    armed.push(loopFramesPerSecond(true));
    if (i % 2 === 1) disarmed.push(loopFramesPerSecond(false));
  }
  const best = (runs, key = 'fps') => Math.max(...runs.map((r) => r[key]));
  const wallRatio = best(armed) / best(disarmed);
  const bestRatio = best(armed, 'cpuFps') / best(disarmed, 'cpuFps');
  // Run i of each kind ran next to the other (alternating order): their ratio
  // saw the same load; the median of those pairs is the steadier figure.
  const pairs = armed.map((a, i) => a.cpuFps / disarmed[i].cpuFps).sort((x, y) => x - y);
  const ratio = (pairs[(RUNS >> 1) - 1] + pairs[RUNS >> 1]) / 2;
  console.log(
    `\n(a) frame loop, 6000 trace frames through the real send path (virtual clock, no pacing), best of ${RUNS} alternating runs each`,
  );
  console.log(
    `  wall clock: disarmed ${Math.round(best(disarmed))} frames/s, armed ${Math.round(best(armed))} frames/s, ratio ${wallRatio.toFixed(3)} (moves with the machine's load)`,
  );
  console.log(
    `  per CPU second: disarmed ${Math.round(best(disarmed, 'cpuFps'))} frames, armed ${Math.round(best(armed, 'cpuFps'))} frames`,
  );
  console.log(`  ratio armed/disarmed (CPU, best of each): ${bestRatio.toFixed(3)}`);
  console.log(
    `  ratio armed/disarmed (CPU, median of ${RUNS} adjacent pairs): ${ratio.toFixed(3)} (target >= 0.99)`,
  );
  return { ratio, disarmedNsPerFrame: 1e9 / best(disarmed, 'cpuFps') };
}

/** (m): disarmed, metrics on against off, alternating runs; the same statistics as (a). */
function benchMetricsCost() {
  loopFramesPerSecond(false, true); // warm-up
  const on = [];
  const off = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) off.push(loopFramesPerSecond(false, false));
    on.push(loopFramesPerSecond(false, true));
    if (i % 2 === 1) off.push(loopFramesPerSecond(false, false));
  }
  const best = (runs, key = 'fps') => Math.max(...runs.map((r) => r[key]));
  const pairs = on.map((a, i) => a.cpuFps / off[i].cpuFps).sort((x, y) => x - y);
  const ratio = (pairs[(RUNS >> 1) - 1] + pairs[RUNS >> 1]) / 2;
  console.log(
    `\n(m) frame loop, per-frame metrics on vs off (disarmed), same trace and send path, best of ${RUNS} alternating runs each`,
  );
  console.log(
    `  wall clock: off ${Math.round(best(off))} frames/s, on ${Math.round(best(on))} frames/s, ratio ${(best(on) / best(off)).toFixed(3)} (moves with the machine's load)`,
  );
  console.log(
    `  per CPU second: off ${Math.round(best(off, 'cpuFps'))} frames, on ${Math.round(best(on, 'cpuFps'))} frames`,
  );
  console.log(
    `  ratio metrics on/off (CPU, best of each): ${(best(on, 'cpuFps') / best(off, 'cpuFps')).toFixed(3)}`,
  );
  console.log(`  ratio metrics on/off (CPU, median of ${RUNS} adjacent pairs): ${ratio.toFixed(3)}`);
  return ratio;
}

/** The main thread's part: one window's block (120 records) into the histograms, ns per frame, best of 7 rounds. */
function histogramFeedNsPerFrame(withOtlp = false) {
  const registry = new Registry();
  // Nothing listens there and the interval is long: the push itself is not timed, only the mirror's records.
  const push = withOtlp
    ? startOtlpPush({
        endpoint: 'http://127.0.0.1:9/v1/metrics',
        intervalMs: 3_600_000,
        host: 'bench',
        captureArmed: () => false,
      })
    : null;
  const host = new HostMetrics(registry, {
    info: { host: 'bench', version: '0', encoder: 'x' },
    captureArmed: () => false,
  });
  const sessions = new SessionMetrics(registry, host, push?.mirror ?? null);
  sessions.sessionStarted({
    sessionId: 'bench',
    kind: 'native',
    client: 'bench',
    width: 1280,
    height: 720,
    fps: 60,
    codec: 'h264',
    encoderName: 'libx264',
    encoderBackend: 'software',
    bitrateKbps: 10000,
    startedUnixMs: 0,
    settings: {},
  });
  const count = 120;
  const view = new DataView(new ArrayBuffer(count * FRAME_RECORD_BYTES));
  for (let i = 0; i < count; i++) {
    writeFrameRecord(view, i, {
      captureStartUs: i * 16_667,
      frameIndex: i,
      encodedBytes: 20_000,
      hostUs: 3000 + ((i * 37) % 4000),
      sessionIndex: 0,
      keyframe: i === 0,
      repeated: false,
      stageClipped: false,
      stagesUs: [700, 4000 + (i % 50), 30, 150],
    });
  }
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 7; round++) {
    const t0 = process.hrtime.bigint();
    for (let block = 0; block < 2000; block++) sessions.framesMeasured('bench', view, count);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / (2000 * count));
  }
  void push?.close();
  return best;
}

async function hostLatency(width, height, bitrateKbps, seconds) {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt, windowFrames: 64 });
  const control = new ControlBlock();
  const samples = [];
  const manager = new SessionManager({
    control,
    perf: false,
    sink: { addSample: (s) => samples.push(s), noteSession: () => {} },
    log: () => {},
  });
  const cpu0 = process.cpuUsage();
  const session = manager.start({
    kind: 'native',
    client: 'bench',
    windowMs: 1000,
    source: { kind: 'engine', codec: 'h264', backend: 'software', width, height, fps: 60, bitrateKbps },
    send: {
      remoteHost: '127.0.0.1',
      remotePort: receiver.localPort,
      key,
      salt,
      shardBytes: 1200,
      fecPercent: 20,
    },
  });
  await session.started;
  let received = 0;
  const drain = (ms) =>
    new Promise((resolve) => {
      const end = Date.now() + ms;
      const step = () => {
        received += receiver.poll(2).frames.length;
        if (Date.now() < end) setImmediate(step);
        else resolve();
      };
      step();
    });
  await drain(1000); // warm-up, not armed
  control.setArmed(true);
  await drain(seconds * 1000);
  control.setArmed(false);
  const end = await session.stop();
  const cpu = process.cpuUsage(cpu0);
  receiver.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    hostP50Ms: median(samples.map((s) => s.hostP50Us)) / 1000,
    hostP99Ms: median(samples.map((s) => s.hostP99Us)) / 1000,
    worstP99Ms: Math.max(...samples.map((s) => s.hostP99Us)) / 1000,
    fps: median(samples.map((s) => s.fps)),
    dropped: samples.reduce((n, s) => n + s.framesDropped, 0),
    // Whole process (host worker + this receiver): an upper bound of the host's CPU per frame.
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / end.frames,
    windows: samples.length,
    received,
  };
}

/** The measuring work alone (what arming adds per frame), timed in isolation: steadier than the loop ratio. */
function measuringCostNsPerFrame() {
  const window = new StatsWindow(['capture', 'submit', 'encode', 'send']);
  const frame = {
    captureStartUs: 1,
    stagesUs: [800, 4000, 30, 150],
    hostUs: 5000,
    repeated: false,
    wireBytes: 26000,
    refused: 0,
    fecUs: 3,
    sealUs: 10,
    socketUs: 45,
  };
  const feedback = {
    packetsLost: null,
    fecRecovered: null,
    rttUs: null,
    clientDecodeP50Us: null,
    e2eP50Us: null,
    e2eP99Us: null,
  };
  const context = { sessionId: 'bench', kind: 'native', bitrateKbps: null, repeatsKnown: true, feedback };
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 240_000; i++) {
      window.add(frame);
      if (i % 120 === 119) {
        window.build(i, context);
        window.reset();
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 240_000);
  }
  return best;
}

/**
 * The timeline record alone: FrameRecordWriter.write (and a block hand-over
 * per 2 s window at 60 fps) against a baseline loop that reads the same
 * frame's figures without writing, in the same run; best of 7 rounds each.
 */
function recordCostNsPerFrame() {
  const writer = new FrameRecordWriter(blockCapacity(2000, 60));
  const frame = {
    captureStartUs: 5_000_000_000,
    stagesUs: [800, 4000, 30, 150],
    hostUs: 5000,
    repeated: false,
    encodedBytes: 21_000,
    keyframe: false,
    wireBytes: 26000,
    refused: 0,
    fecUs: 3,
    sealUs: 10,
    socketUs: 45,
  };
  const N = 2_000_000;
  let sink = 0;
  let bestBaseline = Number.POSITIVE_INFINITY;
  let bestRecord = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 7; round++) {
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      frame.captureStartUs += 16_667; // as the record loop does: a new time per frame
      sink += frame.stagesUs[i & 3] + frame.encodedBytes + (frame.keyframe ? 1 : 0);
      if (i % 120 === 119) sink ^= i;
    }
    bestBaseline = Math.min(bestBaseline, Number(process.hrtime.bigint() - t0) / N);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      frame.captureStartUs += 16_667;
      writer.write(i, frame);
      if (i % 120 === 119 || writer.full) sink += writer.take()?.count ?? 0;
    }
    bestRecord = Math.min(bestRecord, Number(process.hrtime.bigint() - t0) / N);
  }
  if (sink === 0.5) console.log(sink); // keeps the loops from being optimised away
  return { baselineNs: bestBaseline, recordNs: bestRecord, costNs: Math.max(0, bestRecord - bestBaseline) };
}

const { ratio, disarmedNsPerFrame } = benchArmedCost();
const metricsRatio = benchMetricsCost();
const feedNs = histogramFeedNsPerFrame();
const feedOtlpNs = histogramFeedNsPerFrame(true);
console.log(
  `  histogram feed on the main thread: ${feedNs.toFixed(0)} ns per frame (host latency + 4 stages, from a window's block) = ${((feedNs / (1e9 / 60)) * 100).toFixed(4)} % of a 60 fps frame interval`,
);
console.log(
  `  the same with the OTLP mirror on (PUNKTFUNK_OTLP_ENDPOINT): ${feedOtlpNs.toFixed(0)} ns per frame = ${((feedOtlpNs / (1e9 / 60)) * 100).toFixed(4)} % of a 60 fps frame interval`,
);
const costNs = measuringCostNsPerFrame();
const record = recordCostNsPerFrame();
const realFrameNs = 1e9 / 60;
console.log(`  measuring alone: ${costNs.toFixed(0)} ns per frame (window add + sample build amortised)`);
console.log(
  `  = ${((costNs / realFrameNs) * 100).toFixed(4)} % of a 60 fps frame interval; ratio 1 - cost/frame-time at 60 fps: ${(1 - costNs / realFrameNs).toFixed(5)}`,
);
console.log(
  `  timeline record alone: ${record.costNs.toFixed(1)} ns per frame (write ${record.recordNs.toFixed(1)} ns - baseline loop ${record.baselineNs.toFixed(1)} ns, a block hand-over per 120 frames amortised)`,
);
console.log(`  = ${((record.costNs / realFrameNs) * 100).toFixed(5)} % of a 60 fps frame interval`);
// What arming adds, timed in isolation, over the loop's own cost per frame:
// steadier than the direct ratio when other processes share the cores.
const derivedRatio = 1 - (costNs + record.costNs) / disarmedNsPerFrame;
console.log(
  `  ratio derived for this loop: 1 - (measuring ${costNs.toFixed(0)} + record ${record.costNs.toFixed(0)} ns) / ${(disarmedNsPerFrame / 1000).toFixed(1)} µs per disarmed frame = ${derivedRatio.toFixed(4)} (target >= 0.99)`,
);
// Metrics on, disarmed, does per frame what arming does (measure, write the
// record): the same isolated costs give its derived ratio.
console.log(
  `  (m) ratio derived: metrics on adds the same per-frame work as arming (measuring + record), so 1 - (${costNs.toFixed(0)} + ${record.costNs.toFixed(0)} ns) / ${(disarmedNsPerFrame / 1000).toFixed(1)} µs = ${derivedRatio.toFixed(4)}; plus the main thread's feed above`,
);
if (process.env.PUNKTFUNK_BENCH_SKIP_LATENCY === '1') {
  console.log(
    `\nJSON ${JSON.stringify({ armedRatio: ratio, derivedRatio, metricsRatio, histogramFeedNsPerFrame: feedNs, histogramFeedOtlpNsPerFrame: feedOtlpNs, measuringNsPerFrame: costNs, recordNsPerFrame: record.costNs })}`,
  );
  process.exit(0);
}
console.log(
  '\n(d) host processing latency, libx264 superfast/zerolatency, synthetic desktop, FEC 20 %, one worker, median of 1 s windows',
);
for (const [w, h, kbps] of [
  [1280, 720, 10000],
  [1920, 1080, 20000],
]) {
  const r = await hostLatency(w, h, kbps, 10);
  console.log(
    `  ${w}x${h}@60 ${kbps} kb/s: host p50 ${r.hostP50Ms.toFixed(2)} ms, p99 ${r.hostP99Ms.toFixed(2)} ms (worst window p99 ${r.worstP99Ms.toFixed(2)} ms), fps ${r.fps}, dropped ${r.dropped}, CPU ${r.cpuMsPerFrame.toFixed(2)} ms/frame incl. receiver, ${r.windows} windows`,
  );
}
console.log(
  `\nJSON ${JSON.stringify({ armedRatio: ratio, derivedRatio, metricsRatio, histogramFeedNsPerFrame: feedNs, histogramFeedOtlpNsPerFrame: feedOtlpNs, measuringNsPerFrame: costNs, recordNsPerFrame: record.costNs })}`,
);
