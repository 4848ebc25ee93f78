// The GameStream half of the host's benchmarks: a real GameStream streaming
// worker (through the SessionManager) and a minimal in-process client that
// pings the video and audio ports like Moonlight and reads the host
// processing latency from each frame's header (the LE16 field, 0.1 ms units,
// what Moonlight shows as "host processing latency").
import { createSocket } from 'node:dgram';
import { ControlBlock } from '../../dist/streaming/control-block.js';
import { SessionManager } from '../../dist/streaming/session-manager.js';

const PING_PAYLOAD = 'benchbenchbench0';
const FLAG_SOF = 0x4;
const HEADERS_BYTES = 32; // RTP with extension (16) + NV video header (16)

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
};

export function manager(samples) {
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

/** Streams `source` for `seconds` once `armedFromMs` has passed; the client's and the worker's figures. */
export async function gameStreamRun(source, armedFromMs, seconds) {
  const samples = [];
  const { control, sessions } = manager(samples);
  const base = await freeBase();
  const latencyTenthsMs = [];
  const cpu0 = process.cpuUsage();
  const session = sessions.startGameStream({
    client: 'bench',
    windowMs: 1000,
    source,
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
  await new Promise((r) => setTimeout(r, armedFromMs));
  recording = true;
  control.setArmed(true);
  await new Promise((r) => setTimeout(r, seconds * 1000));
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
    framesSent: end.frames,
    audioPackets,
  };
}
