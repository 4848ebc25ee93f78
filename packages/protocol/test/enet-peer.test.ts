// The host-side ENet peer driven by a hand-written client: connect with the
// connect data, acknowledgements, in-order reliable delivery, retransmission,
// ping, timeouts and both ways of disconnecting. The clock is a variable.
import { describe, expect, it } from 'vitest';
import {
  createEnetPeer,
  decodeEnetDatagram,
  ENET_MAX_WAITING_BYTES,
  type EnetCommand,
  type EnetDatagram,
  type EnetPeerOptions,
  encodeEnetDatagram,
  MAX_UNACKNOWLEDGED,
} from '../src/index.js';
import { MOONLIGHT_CONNECT_FIELDS } from './fixtures/enet-connect.js';

const CONNECT_DATA = 0xfe8a1249;
const CLIENT_PEER_ID = 7;

function harness(options: Partial<EnetPeerOptions> = {}) {
  let nowMs = 1000;
  const sent: EnetDatagram[] = [];
  const received: [number, string][] = [];
  const events: string[] = [];
  const peer = createEnetPeer({
    now: () => nowMs,
    send: (bytes) => sent.push(decodeEnetDatagram(bytes)),
    acceptConnect: (data) => data === CONNECT_DATA,
    onConnected: () => events.push('connected'),
    onReceive: (channel, data) => received.push([channel, data.toString()]),
    onDisconnect: (reason, data) => events.push(`disconnect:${reason}:${data}`),
    onDropped: (why) => events.push(`dropped:${why}`),
    ...options,
  });
  peer.start();
  let clientSeq = 0;
  const channelSeq = new Map<number, number>();
  const client = {
    sessionId: 0,
    send(commands: EnetCommand[], sentTime: number | null = nowMs & 0xffff, peerId = 0) {
      peer.receive(encodeEnetDatagram({ peerId, sessionId: client.sessionId, sentTime, commands }));
    },
    connect(data = CONNECT_DATA) {
      clientSeq += 1;
      peer.receive(
        encodeEnetDatagram({
          peerId: 0xfff,
          sessionId: 0,
          sentTime: nowMs & 0xffff,
          commands: [
            {
              type: 'connect',
              acknowledge: true,
              unsequenced: false,
              channelId: 0xff,
              reliableSequenceNumber: clientSeq,
              outgoingPeerId: CLIENT_PEER_ID,
              ...MOONLIGHT_CONNECT_FIELDS,
              connectId: 0x1234,
              data,
            },
          ],
        }),
      );
    },
    ack(command: EnetCommand, sentTime = 0) {
      client.send(
        [
          {
            type: 'acknowledge',
            acknowledge: false,
            unsequenced: false,
            channelId: command.channelId,
            reliableSequenceNumber: command.reliableSequenceNumber,
            receivedReliableSequenceNumber: command.reliableSequenceNumber,
            receivedSentTime: sentTime,
          },
        ],
        null,
      );
    },
    reliable(channelId: number, text: string, seq?: number): EnetCommand {
      const next = seq ?? (channelSeq.get(channelId) ?? 0) + 1;
      channelSeq.set(channelId, Math.max(next, channelSeq.get(channelId) ?? 0));
      return {
        type: 'send-reliable',
        acknowledge: true,
        unsequenced: false,
        channelId,
        reliableSequenceNumber: next,
        data: Buffer.from(text),
      };
    },
  };
  const connectFully = () => {
    client.connect();
    const verify = sent.at(-1)?.commands.find((c) => c.type === 'verify-connect') as EnetCommand;
    if (verify.type === 'verify-connect') client.sessionId = verify.outgoingSessionId;
    client.ack(verify);
    sent.length = 0;
    events.length = 0;
  };
  return { peer, sent, received, events, client, connectFully, advance: (ms: number) => (nowMs += ms) };
}

const types = (d: EnetDatagram | undefined) => d?.commands.map((c) => c.type);

describe('ENet peer: connecting', () => {
  it('answers CONNECT with an acknowledgement and VERIFY_CONNECT, connected once that is acknowledged', () => {
    const h = harness();
    h.client.connect();
    expect(h.sent).toHaveLength(1);
    const reply = h.sent[0] as EnetDatagram;
    expect(reply.peerId).toBe(CLIENT_PEER_ID);
    expect(types(reply)).toEqual(['acknowledge', 'verify-connect']);
    const verify = reply.commands[1] as Extract<EnetCommand, { type: 'verify-connect' }>;
    expect(verify).toMatchObject({
      acknowledge: true,
      channelId: 0xff,
      reliableSequenceNumber: 1,
      outgoingPeerId: 0,
      mtu: 1392,
      channelCount: 0x30,
      packetThrottleInterval: 5000,
      packetThrottleAcceleration: 2,
      packetThrottleDeceleration: 2,
      connectId: 0x1234,
    });
    // ENet's session id choice for a first connection (both sides start at 0xff).
    expect([verify.incomingSessionId, verify.outgoingSessionId]).toEqual([0, 0]);
    expect(reply.sentTime).not.toBeNull();
    expect(h.peer.state.stage).toBe('verifying');
    h.client.sessionId = verify.outgoingSessionId;
    h.client.ack(verify);
    expect(h.peer.state.stage).toBe('connected');
    expect(h.events).toEqual(['connected']);
    expect(h.peer.state.roundTripMs).not.toBeNull();
  });

  it('ignores a CONNECT with the wrong connect data, and datagrams before a CONNECT', () => {
    const h = harness();
    h.client.connect(1);
    expect(h.sent).toHaveLength(0);
    expect(h.peer.state.stage).toBe('listening');
    h.client.send([h.client.reliable(0, 'early')]);
    expect(h.events).toEqual([
      'dropped:CONNECT with data 1 refused',
      'dropped:datagram for peer 0, not ours',
    ]);
  });

  it('re-acknowledges a repeated CONNECT and retransmits VERIFY_CONNECT until acknowledged', () => {
    const h = harness();
    h.client.connect();
    h.advance(500);
    h.peer.service();
    expect(types(h.sent.at(-1))).toEqual(['verify-connect']);
    h.client.connect();
    expect(types(h.sent.at(-1))).toEqual(['acknowledge']);
  });
});

describe('ENet peer: data', () => {
  it('acknowledges reliable data and delivers it in order per channel, each once', () => {
    const h = harness();
    h.connectFully();
    const one = h.client.reliable(2, 'one');
    const two = h.client.reliable(2, 'two');
    const three = h.client.reliable(2, 'three');
    h.client.send([three]);
    h.client.send([one]);
    expect(h.received).toEqual([[2, 'one']]);
    h.client.send([two, two]);
    h.client.send([h.client.reliable(5, 'other')]);
    expect(h.received).toEqual([
      [2, 'one'],
      [2, 'two'],
      [2, 'three'],
      [5, 'other'],
    ]);
    const acked = h.sent
      .flatMap((d) => d.commands)
      .map((c) => c.type === 'acknowledge' && `${c.channelId}/${c.receivedReliableSequenceNumber}`);
    expect(acked).toEqual(['2/3', '2/1', '2/2', '2/2', '5/1']);
  });

  it('drops data on a channel the connection does not have, or from another session', () => {
    const h = harness();
    h.connectFully();
    h.client.send([h.client.reliable(0x30, 'x')]);
    h.client.sessionId = (h.client.sessionId + 1) & 3;
    h.client.send([h.client.reliable(0, 'y')]);
    expect(h.received).toEqual([]);
    expect(h.events[0]).toMatch(/channel 48, the connection has 48/);
    expect(h.events[1]).toMatch(/of session/);
    expect(h.peer.state.dropped).toBe(2);
  });

  it('delivers unreliable data in step with the reliable stream, and unsequenced data at once', () => {
    const h = harness();
    h.connectFully();
    const unreliable = (reliableSequenceNumber: number, text: string): EnetCommand => ({
      type: 'send-unreliable',
      acknowledge: false,
      unsequenced: false,
      channelId: 1,
      reliableSequenceNumber,
      unreliableSequenceNumber: 1,
      data: Buffer.from(text),
    });
    h.client.send([unreliable(0, 'now')]);
    h.client.send([unreliable(1, 'too early')]);
    h.client.send([
      {
        type: 'send-unsequenced',
        acknowledge: false,
        unsequenced: true,
        channelId: 1,
        reliableSequenceNumber: 0,
        unsequencedGroup: 1,
        data: Buffer.from('any time'),
      },
    ]);
    expect(h.received).toEqual([
      [1, 'now'],
      [1, 'any time'],
    ]);
    expect(h.events).toEqual(['dropped:unreliable data out of step with the reliable stream']);
  });

  it('neither acknowledges nor delivers reliable data far outside the window, nor fragments', () => {
    const h = harness();
    h.connectFully();
    h.client.send([h.client.reliable(0, 'far', 0x7001)]);
    h.client.send([
      {
        type: 'send-fragment',
        acknowledge: true,
        unsequenced: false,
        channelId: 0,
        reliableSequenceNumber: 1,
        startSequenceNumber: 1,
        fragmentCount: 2,
        fragmentNumber: 0,
        totalLength: 4,
        fragmentOffset: 0,
        data: Buffer.from('ab'),
      },
    ]);
    expect(h.received).toEqual([]);
    expect(h.sent).toHaveLength(0);
    expect(h.events).toEqual([
      'dropped:reliable 28673 is outside the window',
      'dropped:send-fragment is not supported',
    ]);
  });

  it('holds at most ENET_MAX_WAITING_BYTES of reliable data ahead of sequence, on all channels together', () => {
    // Found by the host's ENet fuzzer's reasoning: a connected client could park
    // 28,672 commands ahead of sequence on each of its 48 channels (about 1.8 GB).
    const h = harness();
    h.connectFully();
    const payload = 'x'.repeat(1000);
    const sent = 3 * Math.ceil(ENET_MAX_WAITING_BYTES / payload.length);
    for (let i = 0; i < sent; i++) {
      // Sequence 1 never comes: everything waits.
      h.client.send([h.client.reliable(i % 3, payload, 2 + Math.floor(i / 3))]);
    }
    const full = h.events.filter((e) => e.startsWith('dropped:the reorder queue is full')).length;
    expect(full).toBeGreaterThan(0);
    expect((sent - full) * payload.length).toBeLessThanOrEqual(ENET_MAX_WAITING_BYTES);
    // What was dropped was not acknowledged, so the client sends it again.
    const acked = h.sent.flatMap((d) => d.commands).filter((c) => c.type === 'acknowledge').length;
    expect(acked).toBe(sent - full);
    // The missing first commands come: what waited is delivered in order, and room is made again.
    for (const channel of [0, 1, 2]) h.client.send([h.client.reliable(channel, 'first', 1)]);
    expect(h.received.filter(([channel]) => channel === 0)[0]).toEqual([0, 'first']);
    expect(h.received).toHaveLength(3 + sent - full);
    const eventsBefore = h.events.length;
    h.client.send([h.client.reliable(0, payload, 2 + Math.floor(sent / 3) + 5)]);
    expect(h.events.slice(eventsBefore)).toEqual([]);
    expect(h.peer.state.stage).toBe('connected');
  });

  it('drops a malformed datagram without harm', () => {
    const h = harness();
    h.connectFully();
    h.peer.receive(Buffer.of(0, 0, 0x0d));
    expect(h.events[0]).toMatch(/dropped:command 0/);
    expect(h.peer.state.stage).toBe('connected');
  });

  it('sends reliable data, retransmits with backoff until acknowledged', () => {
    const h = harness();
    h.connectFully();
    h.peer.sendReliable(1, Buffer.from('terminate'));
    const first = h.sent.at(-1)?.commands[0] as EnetCommand;
    expect(first).toMatchObject({
      type: 'send-reliable',
      channelId: 1,
      reliableSequenceNumber: 1,
      acknowledge: true,
    });
    h.peer.service();
    expect(h.sent).toHaveLength(1);
    h.advance(500);
    h.peer.service();
    expect(types(h.sent.at(-1))).toEqual(['send-reliable']);
    h.advance(500);
    h.peer.service();
    expect(h.sent).toHaveLength(2); // the second wait is twice as long
    h.client.ack(first);
    h.advance(5000);
    h.peer.service();
    expect(h.sent.flatMap((d) => d.commands).filter((c) => c.type === 'send-reliable')).toHaveLength(2);
    expect(() => h.peer.sendReliable(0x30, Buffer.alloc(1))).toThrow(/channel 48/);
    expect(() => h.peer.sendReliable(0, Buffer.alloc(1392))).toThrow(/do not fit/);
  });

  it('ends the link instead of queueing more than MAX_UNACKNOWLEDGED reliable commands for a client that acknowledges none', () => {
    const h = harness();
    h.connectFully();
    for (let i = 0; i < MAX_UNACKNOWLEDGED; i++) h.peer.sendReliable(0, Buffer.of(i));
    expect(h.peer.state.unacknowledged).toBe(MAX_UNACKNOWLEDGED);
    expect(h.events).toEqual([]);
    h.peer.sendReliable(0, Buffer.of(0xff));
    expect(h.events).toEqual(['disconnect:overflow:0']);
    expect(h.peer.state.stage).toBe('disconnected');
  });

  it('pings when the client is quiet, and times out when it stays silent', () => {
    const h = harness({ timeoutMs: 3000 });
    h.connectFully();
    h.advance(500);
    h.peer.service();
    expect(types(h.sent.at(-1))).toEqual(['ping']);
    h.advance(2600);
    h.peer.service();
    expect(h.events).toEqual(['disconnect:timeout:0']);
    expect(h.peer.state.stage).toBe('disconnected');
  });
});

describe('ENet peer: round trip', () => {
  it('pings on a steady interval while the client keeps sending, so the round trip follows the client', () => {
    const h = harness();
    h.connectFully();
    const roundTrips: (number | null)[] = [];
    // A client busy with its own messages every 100 ms (Moonlight's control pings) for 3 s.
    for (let t = 0; t < 3000; t += 100) {
      h.client.send([h.client.reliable(0, `message ${t}`)]);
      h.advance(100);
      h.peer.service();
      const ping = h.sent.flatMap((d) => d.commands).find((c) => c.type === 'ping');
      if (ping) {
        // The client answers after a delay that grows: 10, 20, 30 … ms.
        const delayMs = 10 * (roundTrips.length + 1);
        h.advance(delayMs);
        h.client.ack(ping);
        roundTrips.push(h.peer.state.roundTripMs);
      }
      h.sent.length = 0;
    }
    expect(roundTrips.length).toBeGreaterThanOrEqual(5);
    expect(roundTrips).toEqual(roundTrips.map((_, i) => 10 * (i + 1)));
  });
});

describe('ENet peer: disconnecting', () => {
  it('acknowledges the client DISCONNECT and reports it', () => {
    const h = harness();
    h.connectFully();
    h.client.send([
      {
        type: 'disconnect',
        acknowledge: true,
        unsequenced: false,
        channelId: 0xff,
        reliableSequenceNumber: 2,
        data: 0,
      },
    ]);
    expect(types(h.sent.at(-1))).toEqual(['acknowledge']);
    expect(h.events).toEqual(['disconnect:client:0']);
    h.client.send([h.client.reliable(0, 'late')]);
    expect(h.received).toEqual([]);
  });

  it('sends DISCONNECT and finishes when the client acknowledges it', () => {
    const h = harness();
    h.connectFully();
    h.peer.disconnect(5);
    const disconnect = h.sent.at(-1)?.commands[0] as EnetCommand;
    expect(disconnect).toMatchObject({ type: 'disconnect', data: 5, acknowledge: true, channelId: 0xff });
    expect(h.peer.state.stage).toBe('disconnecting');
    h.client.ack(disconnect);
    expect(h.events).toEqual(['disconnect:host:5']);
    expect(() => h.peer.sendReliable(0, Buffer.of(1))).toThrow(/disconnected/);
  });

  it('stop() ends everything and later datagrams are dropped', () => {
    const h = harness();
    h.connectFully();
    h.peer.stop();
    h.client.send([h.client.reliable(0, 'x')]);
    expect(h.received).toEqual([]);
    expect(() => h.peer.start()).toThrow(/starts once/);
  });
});

describe('ENet peer: what its owner can read', () => {
  it('state is a frozen snapshot: it does not change under the reader, a new read shows the change', () => {
    const h = harness();
    const before = h.peer.state;
    expect(Object.isFrozen(before)).toBe(true);
    expect(before).toMatchObject({ stage: 'listening', connect: null, unacknowledged: 0, dropped: 0 });
    h.client.connect();
    expect(before.stage).toBe('listening');
    const verifying = h.peer.state;
    // The VERIFY_CONNECT waits for its acknowledgement; the CONNECT's values are the client's.
    expect(verifying).toMatchObject({
      stage: 'verifying',
      outgoingPeerId: CLIENT_PEER_ID,
      connect: { connectId: 0x1234, data: CONNECT_DATA },
      mtu: 1392,
      channelCount: 0x30,
      unacknowledged: 1,
    });
    expect(() => {
      (verifying as { stage: string }).stage = 'connected';
    }).toThrow(TypeError);
    expect(h.peer.state.stage).toBe('verifying');
    expect(Object.isFrozen(verifying.connect)).toBe(true);
  });

  it('a reliable message may fill the MTU less the sent-time header and the SEND_RELIABLE fields', () => {
    const h = harness();
    h.connectFully();
    // 1392 - 4 (header with sent time) - 6 (SEND_RELIABLE without its data)
    h.peer.sendReliable(0, Buffer.alloc(1382));
    expect(() => h.peer.sendReliable(0, Buffer.alloc(1383))).toThrow(/at most 1382/);
    expect(h.sent.at(-1)?.commands[0]).toMatchObject({ type: 'send-reliable' });
  });
});
