// Benchmark: the native punktfunk/1 send path, each figure beside a baseline
// measured in the same run.
//  (b) sending: the addon's paced-off sendmmsg sender vs node:dgram sending
//      the same number of equally sized datagrams to the same local socket.
//  (c) packetize + FEC + seal per MB of frame at fecPercent 0/20/50, vs
//      node:crypto sealing the same 1200-byte shards with AES-128-GCM (no FEC,
//      no packet layout), and vs a plain copy of the frame bytes.
import { createCipheriv, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { MediaReceiver, MediaSender } from '@punktfunk/native';

const SHARD_BYTES = 1200;
const DATAGRAM_BYTES = SHARD_BYTES + 48;
const key = randomBytes(16);
const salt = randomBytes(4);
const fmt = (x, digits = 0) => x.toFixed(digits);

// The sink is bound but never read during a run: the kernel discards what
// overflows its buffer, the same for both senders.
const sink = new MediaReceiver({ localAddress: '127.0.0.1', key, salt });

function addonSend(frames, packetsPerFrame) {
  const sender = new MediaSender({
    remoteHost: '127.0.0.1',
    remotePort: sink.localPort,
    key,
    salt,
    shardBytes: SHARD_BYTES,
    fecPercent: 0,
    spreadUs: 0,
  });
  const frame = randomBytes(packetsPerFrame * SHARD_BYTES);
  for (let i = 0; i < 20; i++) sender.sendFrame(frame, i, false, 0); // warm-up
  let packets = 0;
  let socketUs = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) {
    const r = sender.sendFrame(frame, i, false, 0);
    packets += r.packets;
    socketUs += r.socketUs;
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  sender.close();
  return { pps: packets / wallS, socketPps: packets / (socketUs / 1e6) };
}

async function dgramSend(frames, packetsPerFrame) {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.connect(sink.localPort, '127.0.0.1', resolve));
  const datagrams = Array.from({ length: packetsPerFrame }, () => randomBytes(DATAGRAM_BYTES));
  const sendFrame = () =>
    new Promise((resolve, reject) => {
      for (let i = 0; i < datagrams.length; i++) {
        socket.send(
          datagrams[i],
          i === datagrams.length - 1 ? (e) => (e ? reject(e) : resolve()) : undefined,
        );
      }
    });
  for (let i = 0; i < 20; i++) await sendFrame();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) await sendFrame();
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  socket.close();
  return { pps: (frames * packetsPerFrame) / wallS };
}

function packetizeCost(fecPercent, frameBytes, frames) {
  const sender = new MediaSender({
    remoteHost: '127.0.0.1',
    remotePort: sink.localPort,
    key,
    salt,
    shardBytes: SHARD_BYTES,
    fecPercent,
    spreadUs: 0,
  });
  const frame = randomBytes(frameBytes);
  for (let i = 0; i < 10; i++) sender.sendFrame(frame, i, false, 0);
  let fecUs = 0;
  let sealUs = 0;
  for (let i = 0; i < frames; i++) {
    const r = sender.sendFrame(frame, i, false, 0);
    fecUs += r.fecUs;
    sealUs += r.sealUs;
  }
  sender.close();
  const mb = (frames * frameBytes) / 2 ** 20;
  return { fecUsPerMb: fecUs / mb, sealUsPerMb: sealUs / mb, totalUsPerMb: (fecUs + sealUs) / mb };
}

function nodeCryptoSealCost(frameBytes, frames) {
  const frame = randomBytes(frameBytes);
  const aad = Buffer.alloc(32);
  const iv = Buffer.alloc(12);
  const sealFrame = () => {
    for (let off = 0; off < frameBytes; off += SHARD_BYTES) {
      iv.writeUInt32BE(off, 8);
      const c = createCipheriv('aes-128-gcm', key, iv);
      c.setAAD(aad);
      c.update(frame.subarray(off, off + SHARD_BYTES));
      c.final();
      c.getAuthTag();
    }
  };
  for (let i = 0; i < 5; i++) sealFrame();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) sealFrame();
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  return us / ((frames * frameBytes) / 2 ** 20);
}

function copyCost(frameBytes, frames) {
  const frame = randomBytes(frameBytes);
  const copy = Buffer.allocUnsafe(frameBytes);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) frame.copy(copy);
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  return us / ((frames * frameBytes) / 2 ** 20);
}

const results = {};
console.log('\n(b) sending 1248-byte datagrams to a local UDP socket, 64 per frame, no pacing');
{
  const frames = 3000;
  const ours = addonSend(frames, 64);
  const dgram = await dgramSend(frames, 64);
  results.send = { ours, dgram, ratio: ours.pps / dgram.pps };
  console.log(`  addon sendmmsg (incl. packetize + seal): ${fmt(ours.pps)} packets/s`);
  console.log(`  addon, time inside sendmmsg only:        ${fmt(ours.socketPps)} packets/s`);
  console.log(`  node:dgram send (same size and count):   ${fmt(dgram.pps)} packets/s`);
  console.log(`  ratio addon/dgram packets/s: ${fmt(ours.pps / dgram.pps, 2)}x`);
}

console.log('\n(c) packetize + FEC + seal, 256 KiB frames of 1200-byte shards, µs per MiB of frame');
{
  const frameBytes = 256 * 1024;
  const frames = 400;
  const crypto = nodeCryptoSealCost(frameBytes, frames);
  const copy = copyCost(frameBytes, frames * 10);
  results.packetize = { nodeCryptoUsPerMb: crypto, copyUsPerMb: copy, byFec: {} };
  console.log(`  baseline node:crypto AES-128-GCM per shard: ${fmt(crypto)} µs/MiB`);
  console.log(`  baseline Buffer.copy of the frame:          ${fmt(copy)} µs/MiB`);
  for (const fecPercent of [0, 20, 50]) {
    const c = packetizeCost(fecPercent, frameBytes, frames);
    results.packetize.byFec[fecPercent] = c;
    console.log(
      `  fec ${String(fecPercent).padStart(2)} %: ${fmt(c.totalUsPerMb)} µs/MiB (fec ${fmt(c.fecUsPerMb)}, seal ${fmt(c.sealUsPerMb)}); ratio to node:crypto seal ${fmt(c.totalUsPerMb / crypto, 2)}x, to copy ${fmt(c.totalUsPerMb / copy, 1)}x`,
    );
  }
}
sink.close();
console.log(`\nJSON ${JSON.stringify(results)}`);
