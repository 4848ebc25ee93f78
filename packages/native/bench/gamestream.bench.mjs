// Benchmark: the GameStream video packetizer (RTP + NV header + Reed-Solomon
// per FEC block, optional AES-GCM per packet) per frame, beside the
// punktfunk/1 packetizer (FEC + AES-GCM seal) on the same frames in the same
// run. Frame sizes are the average frames of 720p60 at 10 Mb/s (~21 kB) and
// 1080p60 at 20 Mb/s (~42 kB); both at 20 % FEC with the same payload per
// datagram (1376 bytes). Figures are the senders' own fecUs + sealUs, so the
// socket is not part of them.
import { randomBytes } from 'node:crypto';
import { GameStreamVideoSender, MediaReceiver, MediaSender } from '@punktfunk/native';

const PAYLOAD_BYTES = 1376; // GameStream packetSize 1392 minus the 16-byte NV header
const FRAMES = 3000;
const fmt = (x, digits = 1) => x.toFixed(digits);
const key = randomBytes(16);
const salt = randomBytes(4);

// Bound and never polled during a run: the kernel drops the overflow.
const sink = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });

/** Random access units of about `bytes` (±10 %), the same list for every sender. */
function framesOf(bytes, count) {
  return Array.from({ length: count }, () => randomBytes(Math.round(bytes * (0.9 + Math.random() * 0.2))));
}

function measure(send, frames) {
  for (let i = 0; i < 200; i++) send(frames[i % frames.length], i + 1); // warm-up
  let us = 0;
  let packets = 0;
  frames.forEach((frame, i) => {
    const r = send(frame, i + 1);
    us += r.fecUs + r.sealUs;
    packets += r.packets;
  });
  return { usPerFrame: us / frames.length, packetsPerFrame: packets / frames.length };
}

function gamestream(frames, encrypted) {
  const sender = new GameStreamVideoSender({
    remoteHost: '127.0.0.1',
    remotePort: sink.localPort,
    // Encrypting clients advertise 32 bytes less; keep the payload per datagram the same.
    packetSize: PAYLOAD_BYTES + 16,
    fecPercent: 20,
    minRequiredFecPackets: 2,
    ...(encrypted ? { key } : {}),
  });
  const r = measure((frame, i) => sender.sendFrame(frame, i, 1, 0, i * 1500), frames);
  sender.close();
  return r;
}

function punktfunk1(frames) {
  const sender = new MediaSender({
    remoteHost: '127.0.0.1',
    remotePort: sink.localPort,
    key,
    salt,
    shardBytes: PAYLOAD_BYTES,
    fecPercent: 20,
    spreadUs: 0,
  });
  const r = measure((frame, i) => sender.sendFrame(frame, i, false, 0), frames);
  sender.close();
  return r;
}

console.log('GameStream video packetize + FEC (+ AES-GCM) per frame, 20 % FEC, 1376-byte payloads');
console.log('baseline: punktfunk/1 packetize + FEC + seal on the same frames');
for (const [label, bytes] of [
  ['720p60 10 Mb/s', 21_000],
  ['1080p60 20 Mb/s', 42_000],
]) {
  const frames = framesOf(bytes, FRAMES);
  const pf1 = punktfunk1(frames);
  const plain = gamestream(frames, false);
  const sealed = gamestream(frames, true);
  console.log(`\n${label} (~${bytes / 1000} kB frames, ${FRAMES} frames)`);
  console.log(
    `  punktfunk/1 (FEC + seal):       ${fmt(pf1.usPerFrame)} µs/frame, ${fmt(pf1.packetsPerFrame)} packets`,
  );
  console.log(
    `  GameStream plaintext (FEC):     ${fmt(plain.usPerFrame)} µs/frame, ${fmt(plain.packetsPerFrame)} packets, ratio ${fmt(plain.usPerFrame / pf1.usPerFrame, 2)}x`,
  );
  console.log(
    `  GameStream encrypted (FEC+GCM): ${fmt(sealed.usPerFrame)} µs/frame, ${fmt(sealed.packetsPerFrame)} packets, ratio ${fmt(sealed.usPerFrame / pf1.usPerFrame, 2)}x`,
  );
}
sink.close();
