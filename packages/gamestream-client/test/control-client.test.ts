// The control stream client against the host's own pieces: createEnetPeer
// for ENet and the control v2 framing (openControlMessage /
// createControlCipher) over loopback UDP. What the host must see, in order,
// on which channel, and what the client makes of the host's termination.
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import {
  type ClientControlMessage,
  createControlCipher,
  createEnetPeer,
  decodeClientControlMessage,
  type EnetDisconnectReason,
  type EnetPeer,
  type FecStatus,
  openControlMessage,
  TERMINATION_GRACEFUL,
} from '@punktfunk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ControlClient,
  CTRL_CHANNEL_GENERIC,
  CTRL_CHANNEL_URGENT,
  encodeFecStatus,
} from '../src/control-client.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface Seen {
  channel: number;
  seq: number;
  message: ClientControlMessage;
  atMs: number;
}

/** The host: an ENet peer on UDP that opens every client message with the session key. */
async function controlHost(key: Buffer, connectData: number) {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let client: RemoteInfo | null = null;
  const seen: Seen[] = [];
  const ends: EnetDisconnectReason[] = [];
  const peer: EnetPeer = createEnetPeer({
    now: () => performance.now(),
    send: (d) => client && socket.send(d, client.port, client.address),
    acceptConnect: (data) => data === connectData,
    onReceive: (channel, data) => {
      const opened = openControlMessage(key, 'client', data);
      seen.push({
        channel,
        seq: opened.seq,
        message: decodeClientControlMessage(opened),
        atMs: performance.now(),
      });
    },
    onDisconnect: (reason) => ends.push(reason),
  });
  peer.start();
  socket.on('message', (m, from) => {
    client ??= from;
    peer.receive(m);
  });
  const timer = setInterval(() => peer.service(), 5);
  cleanups.push(() => {
    clearInterval(timer);
    socket.close();
  });
  return { port: socket.address().port, peer, seen, ends, cipher: createControlCipher(key) };
}

async function connected() {
  const key = randomBytes(16);
  const connectData = randomBytes(4).readUInt32BE(0);
  const host = await controlHost(key, connectData);
  const control = await ControlClient.connect({ host: '127.0.0.1', port: host.port, connectData, key });
  cleanups.push(() => void control.stop());
  return { key, host, control };
}

const sampleStatus: FecStatus = {
  frameIndex: 0x01020304,
  highestReceivedSequenceNumber: 0xfff0,
  nextContiguousSequenceNumber: 0xffe1,
  missingPacketsBeforeHighestReceived: 3,
  totalDataPackets: 146,
  totalParityPackets: 30,
  receivedDataPackets: 140,
  receivedParityPackets: 7,
  fecPercentage: 21,
  multiFecBlockIndex: 1,
  multiFecBlockCount: 2,
};

describe('ControlClient ↔ the host-side ENet peer and control cipher', () => {
  it('opens with the IDR request and start B on the generic channel, then pings every 100 ms', async () => {
    const { host } = await connected();
    await sleep(550);
    const kinds = host.seen.map((s) => s.message.kind);
    expect(kinds.slice(0, 3)).toEqual(['idr-request', 'start-b', 'ping']);
    expect(host.seen.every((s) => s.channel === CTRL_CHANNEL_GENERIC)).toBe(true);
    // Sealed with a seq counting every message from 0.
    expect(host.seen.map((s) => s.seq)).toEqual([...host.seen.keys()]);
    const pings = host.seen.filter((s) => s.message.kind === 'ping');
    expect(pings.length).toBeGreaterThanOrEqual(4);
    expect(pings.length).toBeLessThanOrEqual(7);
    const gaps = pings.slice(1).map((p, i) => p.atMs - (pings[i] as Seen).atMs);
    for (const gap of gaps) expect(gap).toBeGreaterThan(60);
    const first = host.seen[0]?.message;
    expect(first?.kind).toBe('idr-request');
    const ping = pings[0]?.message;
    expect(ping?.kind === 'ping' && [...ping.payload]).toEqual([4, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('sends an IDR request on the urgent channel, and FEC status (21 big-endian bytes) before the next ping', async () => {
    const { host, control } = await connected();
    await until('start', () => host.seen.length >= 3);
    control.requestIdr();
    control.queueFecStatus(sampleStatus);
    await until('the FEC status', () => host.seen.some((s) => s.message.kind === 'fec-status'));
    const idr = host.seen.filter((s) => s.message.kind === 'idr-request');
    expect(idr.map((s) => s.channel)).toEqual([CTRL_CHANNEL_GENERIC, CTRL_CHANNEL_URGENT]);
    const status = host.seen.find((s) => s.message.kind === 'fec-status') as Seen;
    expect(status.channel).toBe(CTRL_CHANNEL_GENERIC);
    expect(status.message).toEqual({ kind: 'fec-status', status: sampleStatus });
    await until('the ping after it', () => host.seen.indexOf(status) + 1 < host.seen.length);
    expect(host.seen[host.seen.indexOf(status) + 1]?.message.kind).toBe('ping');
    expect(encodeFecStatus(sampleStatus).toString('hex')).toBe('01020304fff0ffe100030092001e008c0007150102');
    expect(control.counters).toMatchObject({ idrRequests: 1, fecStatusSent: 1 });
  });

  it('reports the round trip ENet measures', async () => {
    const { control } = await connected();
    await sleep(300);
    expect(control.roundTripMs).toBeGreaterThanOrEqual(1);
    expect(control.roundTripMs).toBeLessThan(50);
  });

  it("ends on the host's termination (0x80030023 = graceful) and drops the connection at once", async () => {
    const { host, control } = await connected();
    await until('connected host', () => host.peer.state.stage === 'connected');
    host.peer.sendReliable(0, host.cipher.seal({ kind: 'termination', code: TERMINATION_GRACEFUL }));
    expect(await control.ended).toEqual({
      reason: 'termination',
      terminationCode: 0x80030023,
      graceful: true,
    });
    await until('the host to see the client go', () => host.ends.length === 1);
    expect(host.ends).toEqual(['client']);
    const pingsThen = host.seen.length;
    await sleep(250);
    expect(host.seen.length).toBe(pingsThen); // no pings after the end
  });

  it('reports another termination code as not graceful, and ignores host packets under another key', async () => {
    const { host, control } = await connected();
    await until('connected host', () => host.peer.state.stage === 'connected');
    const stranger = createControlCipher(randomBytes(16));
    host.peer.sendReliable(0, stranger.seal({ kind: 'termination', code: TERMINATION_GRACEFUL }));
    await until('the bad packet', () => control.counters.badHostMessages === 1);
    host.peer.sendReliable(0, host.cipher.seal({ kind: 'termination', code: 0x800e9403 }));
    expect(await control.ended).toEqual({
      reason: 'termination',
      terminationCode: 0x800e9403,
      graceful: false,
    });
  });

  it('stops gracefully: the host sees an ENet disconnect', async () => {
    const { host, control } = await connected();
    await until('start', () => host.seen.length >= 3);
    expect((await control.stop()).reason).toBe('local');
    await until('the host to see the client go', () => host.ends.length === 1);
    expect(host.ends).toEqual(['client']);
  });

  it('ends with host-disconnect when the host drops the ENet connection', async () => {
    const { host, control } = await connected();
    await until('connected host', () => host.peer.state.stage === 'connected');
    host.peer.disconnect(0);
    expect((await control.ended).reason).toBe('host-disconnect');
  });
});
