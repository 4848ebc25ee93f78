// The senders' ping path over real UDP on loopback: a sender bound to a fixed
// port reads a Moonlight-style client's pings, reports their source, and once
// connected streams to that client from the same port.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { GameStreamAudioSender, type GameStreamPingReport, GameStreamVideoSender } from '../src/index.js';
import { parseVideo } from './gamestream-receiver.js';
import { errorOf } from './support/native-error.js';

const PAYLOAD = '0123456789ABCDEF';
const FRAME = new Uint8Array([0, 0, 0, 1, 0x41, 1, 2, 3]);

/** A client's one UDP socket: it pings from it and receives the stream on it, as moonlight-common-c does. */
class PingClient {
  readonly received: { data: Buffer; from: RemoteInfo }[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (data, from) => this.received.push({ data, from }));
  }

  static async open(host = '127.0.0.1'): Promise<PingClient> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new PingClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  async send(datagram: Uint8Array, port: number, host = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.socket.send(datagram, port, host, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** The Sunshine-extension ping: 16 payload characters, BE32 counter. */
  ping(port: number, counter: number, payload = PAYLOAD, host = '127.0.0.1'): Promise<void> {
    const datagram = Buffer.alloc(20);
    datagram.write(payload, 'latin1');
    datagram.writeUInt32BE(counter, 16);
    return this.send(datagram, port, host);
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<{ data: Buffer; from: RemoteInfo }[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.received.length} of ${count} datagrams`);
      await sleep(5);
    }
    return this.received.splice(0, count);
  }

  close(): void {
    this.socket.close();
  }
}

const open: { close(): void }[] = [];

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function client(host?: string): Promise<PingClient> {
  const c = await PingClient.open(host);
  open.push(c);
  return c;
}

function track<T extends { close(): void }>(sender: T): T {
  open.push(sender);
  return sender;
}

/** A port that was free a moment ago, to bind a sender to a fixed port as the host does with 47998. */
async function freePort(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

/** Polls until `datagrams` (pings + ignored) were read; sums the counts, keeps the newest source. */
async function pollUntil(
  sender: { pollPings(): GameStreamPingReport },
  datagrams: number,
  timeoutMs = 3000,
): Promise<GameStreamPingReport> {
  const total: GameStreamPingReport = {
    pings: 0,
    ignored: 0,
    remoteHost: null,
    remotePort: null,
    lastCounter: null,
  };
  const deadline = Date.now() + timeoutMs;
  while (total.pings + total.ignored < datagrams && Date.now() < deadline) {
    const r = sender.pollPings();
    total.pings += r.pings;
    total.ignored += r.ignored;
    if (r.pings > 0)
      Object.assign(total, {
        remoteHost: r.remoteHost,
        remotePort: r.remotePort,
        lastCounter: r.lastCounter,
      });
    await sleep(5);
  }
  return total;
}

describe('GameStream senders learn the client from its pings', () => {
  it('video: bound to a fixed port, reads the pings, then streams from that port to their source', async () => {
    const port = await freePort();
    const tx = track(
      new GameStreamVideoSender({ localHost: '127.0.0.1', localPort: port, pingPayload: PAYLOAD }),
    );
    expect(tx.localPort).toBe(port);
    expect(tx.connected).toBe(false);
    expect(tx.pollPings()).toEqual({
      pings: 0,
      ignored: 0,
      remoteHost: null,
      remotePort: null,
      lastCounter: null,
    });

    const c = await client();
    for (const counter of [1, 2, 3]) await c.ping(port, counter);
    const heard = await pollUntil(tx, 3);
    expect(heard).toEqual({
      pings: 3,
      ignored: 0,
      remoteHost: '127.0.0.1',
      remotePort: c.port,
      lastCounter: 3,
    });

    tx.connectTo(heard.remoteHost!, heard.remotePort!);
    expect(tx.connected).toBe(true);
    expect(tx.sendFrame(FRAME, 1, 1, 0, 0)).toMatchObject({ packets: 3, firstSequence: 0, unsent: 0 });
    const got = await c.waitFor(3);
    for (const { data, from } of got) {
      expect(from).toMatchObject({ address: '127.0.0.1', port }); // from the well-known port: NAT lets it in
      expect(data.length).toBe(tx.datagramBytes);
    }
    expect(parseVideo(got[0]!.data)).toMatchObject({ frameIndex: 1, seq: 0 });

    // A connected socket still hears its client's pings.
    await c.ping(port, 4);
    expect(await pollUntil(tx, 1)).toMatchObject({ pings: 1, remotePort: c.port, lastCounter: 4 });
  });

  it('audio: the same on its own port; the tone arrives from it', async () => {
    const port = await freePort();
    const tx = track(
      new GameStreamAudioSender({ localHost: '127.0.0.1', localPort: port, pingPayload: PAYLOAD }),
    );
    const c = await client();
    await c.ping(port, 1);
    const heard = await pollUntil(tx, 1);
    expect(heard).toMatchObject({ pings: 1, remoteHost: '127.0.0.1', remotePort: c.port, lastCounter: 1 });
    tx.connectTo(heard.remoteHost!, heard.remotePort!);
    expect(tx.sendTone(4)).toMatchObject({ packets: 4, fecPackets: 2, unsent: 0 });
    const got = await c.waitFor(6);
    expect(got.every(({ from }) => from.port === port)).toBe(true);
    expect(got.map(({ data }) => data[1])).toEqual([97, 97, 97, 97, 127, 127]);
  });

  it('counts everything that is not a valid ping as ignored and learns nothing from it', async () => {
    const tx = track(new GameStreamVideoSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const c = await client();
    const valid = Buffer.alloc(20);
    valid.write(PAYLOAD, 'latin1');
    valid.writeUInt32BE(9, 16);
    const hostile = [
      Buffer.concat([Buffer.from('FEDCBA9876543210'), valid.subarray(16)]), // another session's payload
      valid.subarray(0, 19), // truncated
      Buffer.concat([valid, Buffer.from([0])]), // one byte too many
      Buffer.alloc(1400, 0x41), // oversized
      Buffer.from('PING'), // legacy ping, but this session has a payload
      Buffer.alloc(0),
    ];
    for (const datagram of hostile) await c.send(datagram, tx.localPort);
    expect(await pollUntil(tx, hostile.length)).toEqual({
      pings: 0,
      ignored: hostile.length,
      remoteHost: null,
      remotePort: null,
      lastCounter: null,
    });
    expect(tx.connected).toBe(false);
    await c.send(valid, tx.localPort);
    expect(await pollUntil(tx, 1)).toMatchObject({ pings: 1, ignored: 0, lastCounter: 9 });
  });

  it('without pingPayload only the legacy 4-byte "PING" counts, and it has no counter', async () => {
    const tx = track(new GameStreamAudioSender({ localHost: '127.0.0.1' }));
    const c = await client();
    await c.ping(tx.localPort, 1); // a 20-byte ping: not what this sender expects
    await c.send(Buffer.from('ping'), tx.localPort);
    await c.send(Buffer.from('PINGS'), tx.localPort);
    await c.send(Buffer.from('PING'), tx.localPort);
    expect(await pollUntil(tx, 4)).toEqual({
      pings: 1,
      ignored: 3,
      remoteHost: '127.0.0.1',
      remotePort: c.port,
      lastCounter: null,
    });
  });

  it('a flood is read at most 256 datagrams per call, oldest first', async () => {
    const tx = track(new GameStreamVideoSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const c = await client();
    for (let i = 1; i <= 400; i++) await c.ping(tx.localPort, i);
    await sleep(50);
    // The kernel's default receive buffer keeps about 256 small datagrams;
    // whatever it kept, one call reads no more than 256 of them.
    const first = tx.pollPings();
    expect(first.pings).toBeGreaterThan(100);
    expect(first.pings).toBeLessThanOrEqual(256);
    expect(first.lastCounter).toBe(first.pings);
    const rest = tx.pollPings();
    expect(first.pings + rest.pings).toBeLessThanOrEqual(400);
    if (rest.pings > 0) expect(rest.lastCounter).toBe(first.pings + rest.pings);
  });

  it('sendFrame and sendTone before connectTo fail with NOT_CONNECTED and use up no sequence number', async () => {
    const video = track(new GameStreamVideoSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const audio = track(new GameStreamAudioSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const videoError = errorOf(() => video.sendFrame(FRAME, 1, 1, 0, 0));
    expect(videoError.code).toBe('NOT_CONNECTED');
    expect(videoError.message).toMatch(/has not pinged yet/);
    expect(errorOf(() => audio.sendTone(1)).code).toBe('NOT_CONNECTED');

    const c = await client();
    video.connectTo('127.0.0.1', c.port);
    audio.connectTo('127.0.0.1', c.port);
    expect(video.sendFrame(FRAME, 1, 1, 0, 0).firstSequence).toBe(0);
    expect(audio.sendTone(1).nextSequence).toBe(1);
    await c.waitFor(4);
  });

  it('binding a port in use fails with BIND_FAILED naming the address, for either sender', async () => {
    const holder = await client();
    const taken = holder.port;
    const video = errorOf(() => new GameStreamVideoSender({ localHost: '127.0.0.1', localPort: taken }));
    expect(video.code).toBe('BIND_FAILED');
    expect(video.message).toBe(`127.0.0.1:${taken} is in use`);
    expect(errorOf(() => new GameStreamAudioSender({ localHost: '127.0.0.1', localPort: taken })).code).toBe(
      'BIND_FAILED',
    );

    // A second sender cannot share a sender's port either (no SO_REUSEADDR):
    // it would silently take over the client's pings.
    const first = track(new GameStreamVideoSender({ localHost: '127.0.0.1' }));
    const second = errorOf(() => new GameStreamVideoSender({ localPort: first.localPort }));
    expect(second.code).toBe('BIND_FAILED');
    expect(second.message).toBe(`0.0.0.0:${first.localPort} is in use`);
  });

  it('a local address that is not this machine is BIND_FAILED too', () => {
    const e = errorOf(() => new GameStreamVideoSender({ localHost: '192.0.2.1', localPort: 47998 }));
    expect(e.code).toBe('BIND_FAILED');
    expect(e.message).toMatch(/^cannot bind 192\.0\.2\.1:47998: /);
  });

  it('connectTo a second address moves the stream there', async () => {
    const tx = track(new GameStreamVideoSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const a = await client();
    const b = await client();
    tx.connectTo('127.0.0.1', a.port);
    tx.sendFrame(FRAME, 1, 1, 0, 0);
    expect((await a.waitFor(3)).map(({ data }) => parseVideo(data).frameIndex)).toEqual([1, 1, 1]);

    tx.connectTo('127.0.0.1', b.port);
    tx.sendFrame(FRAME, 2, 1, 0, 0);
    expect((await b.waitFor(3)).map(({ data }) => parseVideo(data).frameIndex)).toEqual([2, 2, 2]);
    await sleep(50);
    expect(a.received).toHaveLength(0);

    // Now only b's pings reach the connected socket.
    await a.ping(tx.localPort, 1);
    await b.ping(tx.localPort, 7);
    expect(await pollUntil(tx, 1)).toMatchObject({ pings: 1, remotePort: b.port, lastCounter: 7 });
  });

  it('a dual-stack "::" sender reports an IPv4 client as plain IPv4 and streams to it', async () => {
    const tx = track(new GameStreamVideoSender({ localHost: '::', pingPayload: PAYLOAD }));
    const v4 = await client('127.0.0.1');
    await v4.ping(tx.localPort, 1);
    const heard = await pollUntil(tx, 1);
    expect(heard).toMatchObject({ pings: 1, remoteHost: '127.0.0.1', remotePort: v4.port });
    tx.connectTo(heard.remoteHost!, heard.remotePort!);
    tx.sendFrame(FRAME, 1, 1, 0, 0);
    expect((await v4.waitFor(3))[0]!.from.port).toBe(tx.localPort);
  });

  it('IPv6 clients work on an IPv6 sender', async () => {
    const tx = track(new GameStreamAudioSender({ localHost: '::1', pingPayload: PAYLOAD }));
    const v6 = await client('::1');
    await v6.ping(tx.localPort, 5, PAYLOAD, '::1');
    const heard = await pollUntil(tx, 1);
    expect(heard).toMatchObject({ pings: 1, remoteHost: '::1', remotePort: v6.port, lastCounter: 5 });
    tx.connectTo('::1', v6.port);
    tx.sendTone(1);
    expect((await v6.waitFor(1))[0]!.from.address).toBe('::1');
  });

  it('an IPv6 client cannot be reached from an IPv4 socket: INVALID_ARGUMENT, still unconnected', () => {
    const tx = track(new GameStreamVideoSender({ localHost: '127.0.0.1' }));
    const e = errorOf(() => tx.connectTo('::1', 5000));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/::1 is IPv6 but the socket is bound to an IPv4 address/);
    expect(tx.connected).toBe(false);
  });

  it('an ICMP port-unreachable from a client that went away is ignored, not thrown', async () => {
    const tx = track(new GameStreamVideoSender({ localHost: '127.0.0.1', pingPayload: PAYLOAD }));
    const gone = await freePort();
    tx.connectTo('127.0.0.1', gone);
    for (let i = 1; i <= 3; i++) tx.sendFrame(FRAME, i, 1, 0, 0);
    await sleep(20);
    const r = tx.pollPings();
    expect(r.pings).toBe(0);
    expect(r.ignored).toBeGreaterThanOrEqual(1);
    expect(tx.pollPings()).toMatchObject({ pings: 0, ignored: 0 });
  });
});
