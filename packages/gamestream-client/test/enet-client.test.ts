// The ENet client against the host's own peer (createEnetPeer from
// @punktfunk/protocol) over real loopback UDP: connect, data both ways in
// order (also through loss), pings, both ways of disconnecting, timeouts.
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createEnetPeer, type EnetDisconnectReason, type EnetPeer } from '@punktfunk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CTRL_CHANNEL_COUNT, EnetClient, EnetConnectError, MOONLIGHT_ENET_MTU } from '../src/enet-client.js';
import { testRandom } from './support/test-udp.js';

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

async function boundSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => socket.close());
  return socket;
}

interface HostOptions {
  connectData?: number;
  pingIntervalMs?: number;
  /** Datagrams (counted from 0) the host "loses" on the way out / in. */
  loseOut?: (index: number) => boolean;
  loseIn?: (index: number) => boolean;
}

/** The host side: createEnetPeer on a UDP socket, serviced every 5 ms. */
async function enetHost(o: HostOptions = {}) {
  const socket = await boundSocket();
  let client: RemoteInfo | null = null;
  let out = 0;
  let inbound = 0;
  const received: { channel: number; data: Buffer }[] = [];
  const ends: { reason: EnetDisconnectReason; data: number }[] = [];
  const peer: EnetPeer = createEnetPeer({
    now: () => performance.now(),
    send: (datagram) => {
      if (o.loseOut?.(out++) || !client) return;
      socket.send(datagram, client.port, client.address);
    },
    acceptConnect: (data) => data === (o.connectData ?? 0x1234abcd),
    onReceive: (channel, data) => received.push({ channel, data }),
    onDisconnect: (reason, data) => ends.push({ reason, data }),
    ...(o.pingIntervalMs !== undefined ? { pingIntervalMs: o.pingIntervalMs } : {}),
  });
  peer.start();
  socket.on('message', (m, from) => {
    client ??= from;
    if (o.loseIn?.(inbound++)) return;
    peer.receive(m);
  });
  const timer = setInterval(() => peer.service(), 5);
  cleanups.push(() => clearInterval(timer));
  return { port: socket.address().port, peer, received, ends };
}

async function connectTo(port: number, extra: Partial<Parameters<typeof EnetClient.connect>[0]> = {}) {
  const received: { channel: number; data: Buffer }[] = [];
  const client = await EnetClient.connect({
    host: '127.0.0.1',
    port,
    connectData: 0x1234abcd,
    onReceive: (channel, data) => received.push({ channel, data }),
    ...extra,
  });
  cleanups.push(() => client.disconnectNow());
  return { client, received };
}

describe('EnetClient ↔ createEnetPeer over loopback UDP', () => {
  it('connects with the connect data and 0x30 channels, as Moonlight does', async () => {
    const host = await enetHost();
    const { client } = await connectTo(host.port);
    expect(client.state).toBe('connected');
    await until(
      'the host to see the acknowledged VERIFY_CONNECT',
      () => host.peer.state.stage === 'connected',
    );
    expect(host.peer.state.channelCount).toBe(CTRL_CHANNEL_COUNT);
    expect(host.peer.state.mtu).toBe(MOONLIGHT_ENET_MTU);
    expect(host.peer.state.connect?.data).toBe(0x1234abcd);
    expect(client.channelCount).toBe(CTRL_CHANNEL_COUNT);
  });

  it('carries reliable data both ways in order per channel, and unsequenced data to the host', async () => {
    const host = await enetHost();
    const { client, received } = await connectTo(host.port);
    await until('connected', () => host.peer.state.stage === 'connected');
    const sent: { channel: number; data: Buffer }[] = [];
    for (let i = 0; i < 150; i++) {
      const channel = [0, 1, 5][i % 3] as number;
      const data = Buffer.concat([Buffer.from([i]), randomBytes(i * 5)]);
      sent.push({ channel, data });
      client.sendReliable(channel, data);
    }
    client.sendUnsequenced(0, Buffer.from('fec status'));
    const back: { channel: number; data: Buffer }[] = [];
    for (let i = 0; i < 60; i++) {
      const data = randomBytes(1 + i);
      back.push({ channel: i % 2 ? 0 : 7, data });
      host.peer.sendReliable(i % 2 ? 0 : 7, data);
    }
    await until('all data', () => host.received.length === 151 && received.length === 60);
    const perChannel = (list: { channel: number; data: Buffer }[], channel: number) =>
      list.filter((m) => m.channel === channel).map((m) => m.data.toString('hex'));
    for (const channel of [0, 1, 5]) {
      const got = perChannel(host.received, channel).filter(
        (hex) => hex !== Buffer.from('fec status').toString('hex'),
      );
      expect(got).toEqual(perChannel(sent, channel));
    }
    expect(host.received.some((m) => m.data.toString() === 'fec status')).toBe(true);
    for (const channel of [0, 7]) expect(perChannel(received, channel)).toEqual(perChannel(back, channel));
    await until('every message acknowledged', () => client.counters.acksReceived >= 150);
    expect(client.lastRoundTripMs).not.toBeNull();
  });

  it('gets everything through, in order, when a fifth of the datagrams is lost each way', async () => {
    // Random, not every n-th: a fixed pattern can line up with the retransmissions for ever.
    const random = testRandom(5);
    const host = await enetHost({ loseOut: () => random() < 0.2, loseIn: (i) => i > 0 && random() < 0.2 });
    const { client, received } = await connectTo(host.port);
    await until('connected', () => host.peer.state.stage === 'connected');
    const sent = Array.from({ length: 40 }, (_, i) => Buffer.from(`client message ${i}`));
    const back = Array.from({ length: 40 }, (_, i) => Buffer.from(`host message ${i}`));
    for (const [i, data] of sent.entries()) {
      client.sendReliable(0, data);
      host.peer.sendReliable(1, back[i] as Buffer);
      await sleep(2);
    }
    await until('all data through loss', () => host.received.length === 40 && received.length === 40, 20_000);
    expect(host.received.map((m) => m.data.toString())).toEqual(sent.map(String));
    expect(received.map((m) => m.data.toString())).toEqual(back.map(String));
    expect(client.counters.retransmits).toBeGreaterThan(0);
    expect(client.counters.duplicates).toBeGreaterThan(0);
  });

  it("answers the host's pings, so the host measures the round trip", async () => {
    const host = await enetHost({ pingIntervalMs: 50 });
    const { client } = await connectTo(host.port);
    await until('host pings', () => client.counters.pingsReceived >= 3);
    await until('host round trip', () => host.peer.state.roundTripMs !== null);
    expect(host.peer.state.roundTripMs).toBeLessThan(100);
    expect(client.state).toBe('connected');
  });

  it('disconnects gracefully: the host sees the client leave', async () => {
    const host = await enetHost();
    const { client } = await connectTo(host.port);
    client.sendReliable(0, Buffer.from('last words'));
    const close = await client.disconnect(0);
    expect(close.reason).toBe('local');
    await until('host disconnect event', () => host.ends.length === 1);
    expect(host.ends[0]?.reason).toBe('client');
    expect(host.received.map((m) => m.data.toString())).toEqual(['last words']);
  });

  it("reports the host's DISCONNECT with its data", async () => {
    const host = await enetHost();
    const { client } = await connectTo(host.port);
    await until('connected', () => host.peer.state.stage === 'connected');
    host.peer.disconnect(7);
    expect(await client.closed).toEqual({ reason: 'host-disconnect', data: 7 });
    await until('host finished', () => host.ends.length === 1);
    expect(host.ends[0]).toEqual({ reason: 'host', data: 7 });
  });

  it('gives up connecting when the host never answers (and retransmits CONNECT meanwhile)', async () => {
    const silent = await boundSocket();
    let connects = 0;
    silent.on('message', () => connects++);
    const started = Date.now();
    const attempt = EnetClient.connect({
      host: '127.0.0.1',
      port: silent.address().port,
      connectData: 1,
      connectTimeoutMs: 1200,
    });
    await expect(attempt).rejects.toBeInstanceOf(EnetConnectError);
    await expect(attempt).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
    expect(connects).toBeGreaterThanOrEqual(2);
  });

  it('is refused (no answer) with the wrong connect data', async () => {
    const host = await enetHost({ connectData: 42 });
    await expect(connectTo(host.port, { connectTimeoutMs: 400 })).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(host.peer.state.dropped).toBeGreaterThan(0);
  });

  it('times out when reliable data stays unacknowledged', async () => {
    let deaf = false;
    const host = await enetHost({ loseIn: () => deaf, loseOut: () => deaf });
    const { client } = await connectTo(host.port, { timeoutMs: 600 });
    deaf = true;
    client.sendReliable(0, Buffer.from('into the void'));
    expect(await client.closed).toEqual({ reason: 'timeout', data: 0 });
    expect(client.counters.retransmits).toBeGreaterThan(0);
  });
});
