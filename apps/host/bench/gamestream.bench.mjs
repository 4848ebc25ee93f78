// Benchmark of the GameStream path: the host processing latency as the
// client reads it (the LE16 field in each frame's header, 0.1 ms units, what
// Moonlight shows as "host processing latency"), at 720p60 H.264 through the
// real GameStream worker, received by a minimal in-process client that pings
// the video and audio ports like Moonlight. Baseline in the same run: the
// native punktfunk/1 path's worker on the same source and settings (its
// capture start → encoded frame, i.e. the same span, from its samples'
// capture + submit + encode stage medians). Also prints the worker's own
// figures (capture start → last datagram) and the CPU per frame.
import { randomBytes } from 'node:crypto';
import { MediaReceiver } from '@punktfunk/native';
import { gameStreamRun, manager, median } from './support/gamestream-run.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WIDTH = 1280;
const HEIGHT = 720;
const BITRATE_KBPS = 10000;
// Both paths encode the same: the client's bitrate less the 20 % FEC parity.
const SOURCE = {
  kind: 'engine',
  codec: 'h264',
  backend: 'software',
  width: WIDTH,
  height: HEIGHT,
  fps: 60,
  bitrateKbps: Math.round((BITRATE_KBPS * 100) / 120),
};

async function nativeRun(armedFrom) {
  const samples = [];
  const { control, sessions } = manager(samples);
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt, windowFrames: 64 });
  const session = sessions.start({
    kind: 'native',
    client: 'bench',
    windowMs: 1000,
    source: SOURCE,
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
  const drain = (ms) =>
    new Promise((resolve) => {
      const end = Date.now() + ms;
      const step = () => {
        receiver.poll(2);
        if (Date.now() < end) setImmediate(step);
        else resolve();
      };
      step();
    });
  await drain(armedFrom);
  control.setArmed(true);
  await drain(SECONDS * 1000);
  control.setArmed(false);
  await session.stop();
  receiver.close();
  // capture + submit + encode: the span the GameStream header reports.
  const toEncodedP50Ms =
    median(samples.map((s) => s.stages.slice(0, 3).reduce((n, st) => n + st.p50Us, 0))) / 1000;
  return { toEncodedP50Ms, hostP50Ms: median(samples.map((s) => s.hostP50Us)) / 1000 };
}

console.log(
  `GameStream host processing latency as the client reads it, ${WIDTH}x${HEIGHT}@60 H.264 libx264 superfast/zerolatency, ` +
    `client bitrate ${BITRATE_KBPS} kb/s (encoder ${Math.round((BITRATE_KBPS * 100) / 120)} kb/s + 20 % FEC), ${SECONDS} s armed`,
);
const gs = await gameStreamRun(SOURCE, 1000, SECONDS);
const native = await nativeRun(1000);
console.log(
  `  reported to the client (frame header, ${gs.frames} frames): p50 ${gs.reportedP50Ms.toFixed(1)} ms, p99 ${gs.reportedP99Ms.toFixed(1)} ms`,
);
console.log(
  `  worker samples (capture start -> last datagram, median of 1 s windows): p50 ${gs.hostP50Ms.toFixed(2)} ms, p99 ${gs.hostP99Ms.toFixed(2)} ms; fps ${gs.fps}; stages ${gs.stages}`,
);
console.log(
  `  CPU ${gs.cpuMsPerFrame.toFixed(2)} ms per frame (whole process incl. the client), audio packets ${gs.audioPackets}`,
);
console.log(
  `  baseline, native path same run (capture + submit + encode p50): ${native.toEncodedP50Ms.toFixed(2)} ms; ratio GameStream reported p50 / baseline: ${(gs.reportedP50Ms / native.toEncodedP50Ms).toFixed(2)}`,
);
console.log(
  `  against Sunshine on this machine kind (quoted: p50 6.1-7.5 ms, p99 9.5-11.6 ms): p50 ${(gs.reportedP50Ms / 7.5).toFixed(2)}-${(gs.reportedP50Ms / 6.1).toFixed(2)}x, p99 ${(gs.reportedP99Ms / 11.6).toFixed(2)}-${(gs.reportedP99Ms / 9.5).toFixed(2)}x`,
);
