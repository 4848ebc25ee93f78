// ENet 1.3.x datagrams with plain bytes: every command round-trips, the
// layout matches protocol.h, and truncated or unknown input is a clear error.
import { describe, expect, it } from 'vitest';
import { decodeEnetDatagram, type EnetCommand, EnetWireError, encodeEnetDatagram } from '../src/index.js';
import { MOONLIGHT_CONNECT_FIELDS } from './fixtures/enet-connect.js';

const base = { acknowledge: true, unsequenced: false, channelId: 0xff, reliableSequenceNumber: 1 };
const connectFields = { outgoingPeerId: 0, ...MOONLIGHT_CONNECT_FIELDS, connectId: 0xdeadbeef };

const EVERY_COMMAND: EnetCommand[] = [
  {
    ...base,
    acknowledge: false,
    type: 'acknowledge',
    receivedReliableSequenceNumber: 1,
    receivedSentTime: 0xabcd,
  },
  { ...base, type: 'connect', ...connectFields, data: 0xfe8a1249 },
  { ...base, type: 'verify-connect', ...connectFields },
  { ...base, type: 'disconnect', data: 7 },
  { ...base, type: 'ping' },
  { ...base, channelId: 3, type: 'send-reliable', data: Buffer.from('hello') },
  {
    ...base,
    acknowledge: false,
    channelId: 3,
    type: 'send-unreliable',
    unreliableSequenceNumber: 9,
    data: Buffer.of(1),
  },
  {
    ...base,
    acknowledge: false,
    unsequenced: true,
    channelId: 2,
    type: 'send-unsequenced',
    unsequencedGroup: 4,
    data: Buffer.of(2, 3),
  },
  {
    ...base,
    channelId: 1,
    type: 'send-fragment',
    startSequenceNumber: 5,
    fragmentCount: 2,
    fragmentNumber: 1,
    totalLength: 10,
    fragmentOffset: 5,
    data: Buffer.alloc(5, 7),
  },
  { ...base, type: 'bandwidth-limit', incomingBandwidth: 100, outgoingBandwidth: 200 },
  { ...base, type: 'throttle-configure', interval: 5000, acceleration: 2, deceleration: 3 },
];

describe('ENet datagrams', () => {
  it('round-trips every command, one per datagram and all in one', () => {
    for (const command of EVERY_COMMAND) {
      const datagram = { peerId: 5, sessionId: 2, sentTime: 0x1234, commands: [command] };
      expect(decodeEnetDatagram(encodeEnetDatagram(datagram))).toEqual(datagram);
    }
    const all = { peerId: 0xfff, sessionId: 0, sentTime: null, commands: EVERY_COMMAND };
    expect(decodeEnetDatagram(encodeEnetDatagram(all))).toEqual(all);
  });

  it('lays out the header and a CONNECT as protocol.h does (big-endian, packed)', () => {
    const bytes = encodeEnetDatagram({
      peerId: 0xfff,
      sessionId: 0,
      sentTime: 0x0102,
      commands: [EVERY_COMMAND[1] as EnetCommand],
    });
    expect(bytes.length).toBe(4 + 48);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('8fff0102'); // sent-time flag | peer 0xfff, time
    expect(bytes.subarray(4, 8).toString('hex')).toBe('82ff0001'); // ACK flag | CONNECT, channel 0xff, seq 1
    expect(bytes.readUInt32BE(4 + 8)).toBe(1392); // mtu after peer id and two session bytes
    expect(bytes.readUInt32BE(bytes.length - 4)).toBe(0xfe8a1249); // connect data last
    const ackOnly = encodeEnetDatagram({
      peerId: 1,
      sessionId: 3,
      sentTime: null,
      commands: [EVERY_COMMAND[0] as EnetCommand],
    });
    expect(ackOnly.subarray(0, 2).toString('hex')).toBe('3001'); // session 3 in bits 12-13, no sent time
    expect(ackOnly.length).toBe(2 + 8);
  });

  it('refuses truncated, empty, compressed and unknown input with the reason', () => {
    const good = encodeEnetDatagram({
      peerId: 0,
      sessionId: 0,
      sentTime: 1,
      commands: [EVERY_COMMAND[5] as EnetCommand],
    });
    const cases: [Buffer, RegExp][] = [
      [Buffer.of(0), /2-byte header/],
      [Buffer.of(0x80, 0), /sent time, but the datagram ends/],
      [Buffer.of(0, 0), /without commands/],
      [Buffer.of(0x40, 0, 5, 0xff, 0, 1), /compressed/],
      [Buffer.of(0, 0, 0x0d, 0, 0, 0), /unknown command number 13/],
      [Buffer.of(0, 0, 0x00, 0, 0, 0), /unknown command number 0/],
      [good.subarray(0, good.length - 1), /truncated at data/],
      [good.subarray(0, 8), /needs 6 bytes/],
      [Buffer.concat([good, Buffer.of(0x82, 0xff)]), /command 1 \(connect\): needs 48 bytes/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeEnetDatagram(bytes)).toThrow(EnetWireError);
      expect(() => decodeEnetDatagram(bytes)).toThrow(message);
    }
  });

  it('refuses to encode out-of-range fields', () => {
    const ping = EVERY_COMMAND[4] as EnetCommand;
    expect(() =>
      encodeEnetDatagram({ peerId: 0x1000, sessionId: 0, sentTime: null, commands: [ping] }),
    ).toThrow(/peerId/);
    expect(() => encodeEnetDatagram({ peerId: 0, sessionId: 4, sentTime: null, commands: [ping] })).toThrow(
      /sessionId/,
    );
    expect(() =>
      encodeEnetDatagram({
        peerId: 0,
        sessionId: 0,
        sentTime: null,
        commands: [{ ...ping, channelId: 256 }],
      }),
    ).toThrow(/channelID/);
    expect(() => encodeEnetDatagram({ peerId: 0, sessionId: 0, sentTime: null, commands: [] })).toThrow(
      /without commands/,
    );
    const huge: EnetCommand = { ...base, type: 'send-reliable', data: Buffer.alloc(0x10000) };
    expect(() => encodeEnetDatagram({ peerId: 0, sessionId: 0, sentTime: null, commands: [huge] })).toThrow(
      /16-bit length/,
    );
  });
});
