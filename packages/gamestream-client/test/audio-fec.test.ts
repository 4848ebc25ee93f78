// The client's audio FEC against the host's real audio packetizer: a test
// tone goes through GameStreamAudioSender over UDP, packets are taken away,
// and what comes out of the queue must be what the host sent.
import { createDecipheriv, randomBytes } from 'node:crypto';
import { GameStreamAudioSender, type GameStreamAudioSenderOptions } from '@punktfunk/native';
import { afterEach, describe, expect, it } from 'vitest';
import { AudioFecQueue, type AudioPacketOut } from '../src/audio-fec-queue.js';
import { AudioReceiver, type OpusPacket } from '../src/audio-receiver.js';
import { LossyRelay, subsetsUpTo, UdpCollector } from './support/test-udp.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function capture(count: number, options: Partial<GameStreamAudioSenderOptions> = {}) {
  const rx = await UdpCollector.open();
  const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, ...options });
  open.push(rx, tx);
  const report = tx.sendAudio(count);
  return rx.take(report.packets + report.fecPackets);
}

const isFec = (d: Buffer) => ((d[1] as number) & 0x7f) === 127;
const seqOf = (d: Buffer) => d.readUInt16BE(2);
/** Data seq, or for FEC packets a key of its own ("fec:<base>:<shard>"). */
const idOf = (d: Buffer) => (isFec(d) ? `fec:${d.readUInt16BE(14)}:${d[12]}` : `data:${seqOf(d)}`);

function run(datagrams: Buffer[]) {
  const out: AudioPacketOut[] = [];
  const queue = new AudioFecQueue(5, (p) => out.push(p));
  for (const d of datagrams) queue.add(d);
  return { out, queue };
}

describe("the audio FEC queue on the host packetizer's packets", () => {
  it('recovers all 21 patterns of up to 2 lost packets of a block (4 data + 2 FEC), byte for byte', async () => {
    const sent = await capture(40);
    expect(sent.filter(isFec)).toHaveLength(20);
    const data = new Map(sent.filter((d) => !isFec(d)).map((d) => [seqOf(d), d]));
    // Block 2 (seqs 8..11) and its two FEC packets, in the order they were sent.
    const blockIds = ['data:8', 'data:9', 'data:10', 'data:11', 'fec:8:0', 'fec:8:1'];
    let patterns = 0;
    for (const lostIndexes of subsetsUpTo(6, 2)) {
      const lost = new Set(lostIndexes.map((i) => blockIds[i]));
      const { out, queue } = run(sent.filter((d) => !lost.has(idOf(d))));
      // The first block is skipped (the queue starts on the next block boundary).
      expect(out.map((p) => p.seq)).toEqual([...Array(36).keys()].map((i) => i + 4));
      for (const p of out) {
        expect(p.payload?.equals((data.get(p.seq) as Buffer).subarray(12))).toBe(true);
        expect(p.recovered).toBe(lost.has(`data:${p.seq}`));
        expect(p.timestamp).toBe(p.seq * 5);
      }
      expect(queue.counters.recoveredPackets).toBe([...lost].filter((id) => id?.startsWith('data')).length);
      patterns++;
    }
    expect(patterns).toBe(22); // the empty pattern and 21 losses
  });

  it('passes 3 lost data packets on as gaps once the next block starts; a whole lost block is skipped', async () => {
    const sent = await capture(40);
    const three = new Set(['data:8', 'data:9', 'data:11']);
    const { out, queue } = run(sent.filter((d) => !three.has(idOf(d))));
    expect(out.map((p) => p.seq)).toEqual([...Array(36).keys()].map((i) => i + 4));
    expect(out.filter((p) => p.payload === null).map((p) => p.seq)).toEqual([8, 9, 11]);
    expect(queue.counters.unrecoverableBlocks).toBe(1);
    expect(queue.counters.lostPackets).toBe(3);

    const wholeBlock = (d: Buffer) =>
      isFec(d) ? d.readUInt16BE(14) === 12 : seqOf(d) >= 12 && seqOf(d) < 16;
    const skipped = run(sent.filter((d) => !wholeBlock(d)));
    expect(skipped.out.map((p) => p.seq)).toEqual(
      [...Array(36).keys()].map((i) => i + 4).filter((s) => s < 12 || s >= 16),
    );
  });
});

function decrypt(body: Buffer, key: Buffer, keyId: number, seq: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE((keyId + seq) >>> 0, 0);
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

describe('AudioReceiver over UDP (sender → lossy relay → receiver)', () => {
  async function stream(
    count: number,
    lose: (d: Buffer) => boolean,
    options: { key?: Buffer; keyId?: number } = {},
  ) {
    const relay = await LossyRelay.open((_, d) => lose(d));
    const packets: OpusPacket[] = [];
    const receiver = await AudioReceiver.open({
      host: '127.0.0.1',
      port: relay.port,
      pingPayload: 'abcdefghijklmnop',
      packetDurationMs: 5,
      key: options.key ?? null,
      keyId: options.keyId ?? 0,
      skipInitialMs: 0,
      onOpus: (p) => packets.push(p),
    });
    relay.target = receiver.localPort;
    const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: relay.port, ...options });
    open.push(relay, receiver, tx);
    tx.sendAudio(count);
    const deadline = Date.now() + 5000;
    while (relay.seen.length < count * 1.5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    return { relay, receiver, packets };
  }

  it('decrypts AES-CBC (IV from rikeyid + seq) and rebuilds lost packets before decrypting them', async () => {
    const key = randomBytes(16);
    const keyId = 0xfffffffe; // the IV base wraps
    const lost = new Set([5, 9, 10, 17, 30]);
    const { relay, receiver, packets } = await stream(40, (d) => !isFec(d) && lost.has(seqOf(d)), {
      key,
      keyId,
    });
    const sent = new Map(
      relay.seen.filter((s) => !isFec(s.datagram)).map((s) => [seqOf(s.datagram), s.datagram]),
    );
    expect(packets.map((p) => p.seq)).toEqual([...Array(36).keys()].map((i) => i + 4));
    for (const p of packets) {
      const original = decrypt((sent.get(p.seq) as Buffer).subarray(12), key, keyId, p.seq);
      expect(p.opus?.equals(original)).toBe(true);
      expect(p.opus).toHaveLength(60); // CBR 96 kb/s at 5 ms
      expect(p.recovered).toBe(lost.has(p.seq));
    }
    expect(receiver.counters).toMatchObject({
      recoveredPackets: 5,
      decryptFailures: 0,
      lostPackets: 0,
      delivered: 36,
    });
    expect(receiver.counters.pingsSent).toBeGreaterThanOrEqual(1);
  });

  it('skips the first 500 ms of audio as the client does', async () => {
    const packets: OpusPacket[] = [];
    const relay = await LossyRelay.open(() => false);
    const receiver = await AudioReceiver.open({
      host: '127.0.0.1',
      port: relay.port,
      pingPayload: null,
      packetDurationMs: 5,
      onOpus: (p) => packets.push(p),
    });
    relay.target = receiver.localPort;
    const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: relay.port });
    open.push(relay, receiver, tx);
    tx.sendAudio(120);
    const deadline = Date.now() + 5000;
    while (relay.seen.length < 180 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    // 500 ms of 5 ms data packets; FEC packets do not count.
    expect(receiver.counters.skippedAtStart).toBe(100);
    // The FEC packets of block 96 come next and put the queue on the boundary at 100.
    expect(packets.map((p) => p.seq)).toEqual([...Array(20).keys()].map((i) => i + 100));
  });

  it('decodes the tone with the addon OpusDecoder, concealing what FEC could not rebuild', async () => {
    const pcm: { samples: Int16Array; lost: boolean }[] = [];
    // seq 21 is rebuilt by FEC; 40, 41 and 42 are one loss too many for their block.
    const relay = await LossyRelay.open((_, d) => !isFec(d) && [21, 40, 41, 42].includes(seqOf(d)));
    const receiver = await AudioReceiver.open({
      host: '127.0.0.1',
      port: relay.port,
      pingPayload: null,
      packetDurationMs: 5,
      skipInitialMs: 0,
      decode: true,
      onPcm: (samples, packet) => pcm.push({ samples, lost: packet.opus === null }),
    });
    relay.target = receiver.localPort;
    const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: relay.port, toneHz: 440 });
    open.push(relay, receiver, tx);
    tx.sendAudio(80);
    const deadline = Date.now() + 5000;
    while (relay.seen.length < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(pcm).toHaveLength(76); // block 0 skipped
    expect(pcm.filter((p) => p.lost)).toHaveLength(3);
    for (const p of pcm) expect(p.samples).toHaveLength(240 * 2);
    expect(receiver.counters.decodedSamples).toBe(76 * 240);
    // The left channel of the undamaged second half: a 440 Hz tone crosses zero 880 times a second.
    const left = pcm.slice(40).flatMap((p) => [...p.samples].filter((_, i) => i % 2 === 0));
    let crossings = 0;
    for (let i = 1; i < left.length; i++)
      if ((left[i - 1] as number) < 0 !== (left[i] as number) < 0) crossings++;
    const hz = crossings / 2 / (left.length / 48_000);
    expect(hz).toBeGreaterThan(400);
    expect(hz).toBeLessThan(480);
    expect(Math.max(...left.map(Math.abs))).toBeGreaterThan(1000);
  });
});
