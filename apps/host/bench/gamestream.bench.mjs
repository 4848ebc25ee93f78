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
import { createSocket } from 'node:dgram';
import { MediaReceiver } from '@punktfunk/native';
import { ControlBlock } from '../dist/streaming/control-block.js';
import { SessionManager } from '../dist/streaming/session-manager.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PING_PAYLOAD = 'benchbenchbench0';
const WIDTH = 1280;
const HEIGHT = 720;
const BITRATE_KBPS = 10000;
const FLAG_SOF = 0x4;
const HEADERS_BYTES = 32; // RTP with extension (16) + NV video header (16)
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
};

function manager(samples) {
  const control = new ControlBlock();
  const sessions = new SessionManager({
    control,
    perf: false,
    sink: { addSample: (s) => samples.push(s), noteSession: () => {} },
    log: () => {},
  });
  return { control, sessions };
}

async function freeBase() {
  for (;;) {
    const base = 30_000 + 3 * Math.floor(Math.random() * 5000);
    const sockets = [0, 1, 2].map(() => createSocket('udp4'));
    const bound = await Promise.all(
      sockets.map(
        (s, i) =>
          new Promise((resolve) => {
            s.once('error', () => resolve(false));
            s.bind(base + i, '127.0.0.1', () => resolve(true));
          }),
      ),
    );
    await Promise.all(sockets.map((s) => new Promise((r) => (bound.every(Boolean) ? s.close(r) : r()))));
    if (bound.every(Boolean)) return base;
  }
}

/**
 * The frame header's latency field (0.1 ms), from a frame's first data
 * packet; null for every other packet. Parity packets are skipped by their
 * shard index: their flags byte is Reed-Solomon output, not flags.
 */
function frameHeaderLatency(packet) {
  if (packet.length < HEADERS_BYTES + 8) return null;
  const fecInfo = packet.readUInt32LE(16 + 12);
  const dataShards = fecInfo >>> 22;
  const shardIndex = (fecInfo >>> 12) & 0x3ff;
  const block = (packet[16 + 11] >> 4) & 0x3;
  const isFirst = (packet[16 + 8] & FLAG_SOF) !== 0 && shardIndex < dataShards && block === 0;
  if (!isFirst || packet[HEADERS_BYTES] !== 0x01) return null;
  return packet.readUInt16LE(HEADERS_BYTES + 1);
}

/** A client that pings a port every 500 ms (Moonlight's scheme) and hands every datagram to onPacket. */
async function pingingSocket(port, onPacket) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', onPacket);
  let counter = 0;
  const ping = () => {
    const datagram = Buffer.alloc(20);
    datagram.write(PING_PAYLOAD, 0, 'latin1');
    datagram.writeUInt32BE(++counter, 16);
    socket.send(datagram, port, '127.0.0.1');
  };
  ping();
  const timer = setInterval(ping, 500);
  return {
    close: () => {
      clearInterval(timer);
      socket.close();
    },
  };
}

async function gameStreamRun(armedFrom) {
  const samples = [];
  const { control, sessions } = manager(samples);
  const base = await freeBase();
  const latencyTenthsMs = [];
  const cpu0 = process.cpuUsage();
  const session = sessions.startGameStream({
    client: 'bench',
    windowMs: 1000,
    source: SOURCE,
    send: {
      bindHost: '127.0.0.1',
      videoPort: base,
      audioPort: base + 2,
      pingPayload: PING_PAYLOAD,
      packetSize: 1392,
      fecPercent: 20,
      minRequiredFecPackets: 2,
      videoKey: null,
      audioKey: null,
      audioKeyId: 0,
      audioPacketDurationMs: 5,
      clientTimeoutMs: 10_000,
    },
  });
  let recording = false;
  const video = await pingingSocket(base, (packet) => {
    if (recording) {
      const latency = frameHeaderLatency(packet);
      if (latency !== null) latencyTenthsMs.push(latency);
    }
  });
  let audioPackets = 0;
  const audio = await pingingSocket(base + 2, () => audioPackets++);
  await session.started;
  await new Promise((r) => setTimeout(r, armedFrom));
  recording = true;
  control.setArmed(true);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  control.setArmed(false);
  recording = false;
  const end = await session.stop();
  const cpu = process.cpuUsage(cpu0);
  video.close();
  audio.close();
  return {
    reportedP50Ms: percentile(latencyTenthsMs, 50) / 10,
    reportedP99Ms: percentile(latencyTenthsMs, 99) / 10,
    frames: latencyTenthsMs.length,
    hostP50Ms: median(samples.map((s) => s.hostP50Us)) / 1000,
    hostP99Ms: median(samples.map((s) => s.hostP99Us)) / 1000,
    fps: median(samples.map((s) => s.fps)),
    stages: samples[0]?.stages.map((st) => st.name).join('/'),
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / end.frames,
    audioPackets,
  };
}

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
const gs = await gameStreamRun(1000);
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
