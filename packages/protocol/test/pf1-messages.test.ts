import { describe, expect, it } from 'vitest';
import { ProtocolError, parseClientMessage, parseHostMessage } from '../src/index.js';

const hello = {
  type: 'hello',
  protocol: 'punktfunk/1',
  clientName: 'test',
  codecs: ['h264'],
  width: 1280,
  height: 720,
  fps: 60,
  udpPort: 50000,
};

describe('punktfunk/1 control messages', () => {
  it('accepts a well-formed hello and fills optional fields with null', () => {
    expect(parseClientMessage(hello)).toEqual({ ...hello, bitrateKbps: null, fecPercent: null });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /must be an object/],
    ['array', [1, 2], /must be an object/],
    ['unknown type', { type: 'reboot' }, /unknown client message type "reboot"/],
    ['wrong protocol', { ...hello, protocol: 'punktfunk/2' }, /hello.protocol must be 'punktfunk\/1'/],
    ['no codecs', { ...hello, codecs: [] }, /hello.codecs/],
    ['unknown codec', { ...hello, codecs: ['vp9'] }, /hello.codecs/],
    ['port 0', { ...hello, udpPort: 0 }, /hello.udpPort must be an integer in 1..65535/],
    ['port as string', { ...hello, udpPort: '50000' }, /hello.udpPort/],
    ['huge name', { ...hello, clientName: 'x'.repeat(65) }, /hello.clientName/],
    [
      'a right-to-left override in the name',
      { ...hello, clientName: 'phone\u202Egpj.exe' },
      /hello.clientName contains U\+202E, a control or bidirectional formatting character/,
    ],
    [
      'an isolate in a pair request',
      { type: 'pair', clientName: 'a\u2066b' },
      /pair.clientName contains U\+2066/,
    ],
    [
      'a C1 control in a pair request',
      { type: 'pair', clientName: 'a\u0085b' },
      /pair.clientName contains U\+0085/,
    ],
    ['bitrate out of range', { type: 'bitrate', kbps: 10 }, /bitrate.kbps/],
    ['negative loss', { type: 'loss', packetsLost: -1, fecRecovered: 0 }, /loss.packetsLost/],
    ['timing not triples', { type: 'timing', frames: [[1, 2]] }, /timing.frames entries/],
    ['timing with NaN', { type: 'timing', frames: [[1, 2, 'x']] }, /timing.frames entries/],
    ['too many timings', { type: 'timing', frames: Array(1025).fill([1, 2, 3]) }, /at most 1024/],
  ];
  for (const [name, value, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => parseClientMessage(value)).toThrow(ProtocolError);
      expect(() => parseClientMessage(value)).toThrow(message);
    });
  }

  it('validates host messages on the client side too', () => {
    expect(parseHostMessage({ type: 'ping', hostUs: 5 })).toEqual({ type: 'ping', hostUs: 5, rttUs: null });
    expect(() => parseHostMessage({ type: 'welcome', sessionId: 's', codec: 'vp9' })).toThrow(
      /welcome.codec/,
    );
    expect(() => parseHostMessage({ type: 'surprise' })).toThrow(/unknown host message/);
  });
});
