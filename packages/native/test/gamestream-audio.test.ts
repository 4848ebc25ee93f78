import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GameStreamAudioSender, type GameStreamAudioSenderOptions } from '../src/index.js';
import { AUDIO_PARITY_MATRIX, decryptAudio, gfMul, UdpCollector } from './gamestream-receiver.js';

const open: { close(): void }[] = [];

async function setup(options: Partial<GameStreamAudioSenderOptions> = {}) {
  const rx = await UdpCollector.open();
  const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, ...options });
  open.push(rx, tx);
  return { rx, tx };
}

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function split(datagrams: Buffer[]) {
  return {
    data: datagrams.filter((d) => d[1] === 97),
    fec: datagrams.filter((d) => d[1] === 127),
  };
}

/** Checks each FEC packet against parity recomputed here from its block's payloads. */
function checkFec(data: Buffer[], fec: Buffer[]) {
  fec.forEach((f, k) => {
    const shard = k % 2;
    const base = Math.floor(k / 2) * 4;
    expect(f[0]).toBe(0x80);
    expect(f[12]).toBe(shard);
    expect(f[13]).toBe(97);
    expect(f.readUInt16BE(14)).toBe(base);
    expect(f.readUInt32BE(16)).toBe(base * 5);
    expect(f.readUInt32BE(20)).toBe(0);
    const parity = f.subarray(24);
    const payloads = data.slice(base, base + 4).map((d) => d.subarray(12));
    expect(parity.length).toBe(payloads[0]!.length);
    for (let b = 0; b < parity.length; b++) {
      let expected = 0;
      for (let i = 0; i < 4; i++) expected ^= gfMul(AUDIO_PARITY_MATRIX[shard]![i]!, payloads[i]![b]!);
      expect(parity[b]).toBe(expected);
    }
  });
}

describe('GameStreamAudioSender → a UDP client on 127.0.0.1', () => {
  it('sends CBR Opus in RTP pt 97 with 2 FEC packets per 4, parity from the fixed matrix', async () => {
    const { rx, tx } = await setup();
    const report = tx.sendTone(40);
    expect(report).toMatchObject({ packets: 40, fecPackets: 20, unsent: 0, nextSequence: 40 });
    const { data, fec } = split(await rx.waitFor(60));
    expect(data).toHaveLength(40);
    data.forEach((d, i) => {
      expect(d[0]).toBe(0x80);
      expect(d.readUInt16BE(2)).toBe(i);
      expect(d.readUInt32BE(4)).toBe(i * 5); // the packet duration in ms
      expect(d.readUInt32BE(8)).toBe(0);
      expect(d.length).toBe(12 + 60); // 96 kb/s CBR at 5 ms
    });
    expect(report.wireBytes).toBe(40 * 72 + 20 * 84);
    checkFec(data, fec);
  });

  it('encrypts payloads with AES-128-CBC, IV = BE32(rikeyid + seq), FEC over the ciphertext', async () => {
    const key = randomBytes(16);
    const keyId = 0xfffffff0;
    const { rx, tx } = await setup({ key, keyId });
    tx.sendTone(8);
    const { data, fec } = split(await rx.waitFor(12));
    data.forEach((d, seq) => {
      expect(d.length).toBe(12 + 64); // 60 bytes + PKCS#7 to a 16-byte multiple
      expect(decryptAudio(d.subarray(12), key, keyId, seq)).toHaveLength(60);
    });
    checkFec(data, fec);
  });

  it('10 ms packets advance the timestamp by 10', async () => {
    const { rx, tx } = await setup({ packetDurationMs: 10 });
    tx.sendTone(4);
    const { data } = split(await rx.waitFor(6));
    expect(data.map((d) => d.readUInt32BE(4))).toEqual([0, 10, 20, 30]);
  });
});
