import { describe, expect, it } from 'vitest';
import {
  appListXml,
  escapeXml,
  leaf,
  parseXmlReply,
  serverInfoXml,
  XmlReplyError,
  xmlError,
  xmlReply,
} from '../src/index.js';

const info = {
  hostName: 'box <1> & "co"',
  uniqueId: 'u-1',
  httpPort: 47989,
  httpsPort: 47984,
  mac: '00:11:22:33:44:55',
  localIp: '192.168.1.2',
  codecModeSupport: 0x101,
  displayModes: [
    { width: 1280, height: 720, fps: 60 },
    { width: 1920, height: 1080, fps: 120 },
  ],
  gpuType: 'libx264',
  paired: false,
  currentGameId: 0,
};

describe('GameStream XML', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b>&"c'\x01`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('builds serverinfo with every field a client requires, and reads it back', () => {
    const reply = parseXmlReply(serverInfoXml(info));
    expect(reply.statusCode).toBe(200);
    expect(leaf(reply, 'hostname')).toBe('box <1> & "co"');
    expect(leaf(reply, 'appversion')).toBe('7.1.431.-1');
    expect(leaf(reply, 'PairStatus')).toBe('0');
    expect(leaf(reply, 'currentgame')).toBe('0');
    expect(leaf(reply, 'state')).toBe('SUNSHINE_SERVER_FREE');
    expect(leaf(reply, 'ServerCodecModeSupport')).toBe('257');
    expect(leaf(reply, 'MaxLumaPixelsHEVC')).not.toBe('0');
    expect(reply.groups.get('DisplayMode')?.map((m) => m.get('RefreshRate'))).toEqual(['60', '120']);
  });

  it('marks a running game busy and paired only when told', () => {
    const reply = parseXmlReply(
      serverInfoXml({ ...info, paired: true, currentGameId: 3, codecModeSupport: 1 }),
    );
    expect(leaf(reply, 'PairStatus')).toBe('1');
    expect(leaf(reply, 'currentgame')).toBe('3');
    expect(leaf(reply, 'state')).toBe('SUNSHINE_SERVER_BUSY');
    expect(leaf(reply, 'MaxLumaPixelsHEVC')).toBe('0');
  });

  it('refuses to advertise no codec at all (clients would refuse the host)', () => {
    expect(() => serverInfoXml({ ...info, codecModeSupport: 0 })).toThrow(/must not be 0/);
  });

  it('lists apps as App groups', () => {
    const reply = parseXmlReply(
      appListXml([
        { id: 1, title: 'Desktop' },
        { id: 2, title: 'Steam & co' },
      ]),
    );
    expect(reply.groups.get('App')?.map((a) => [a.get('ID'), a.get('AppTitle')])).toEqual([
      ['1', 'Desktop'],
      ['2', 'Steam & co'],
    ]);
  });

  it('writes errors as status_code and status_message', () => {
    const reply = parseXmlReply(xmlError(400, `parameter 'salt' is <bad>`));
    expect(reply).toMatchObject({ statusCode: 400, statusMessage: `parameter 'salt' is <bad>` });
  });

  it('refuses element names that are not XML names, and replies without a root', () => {
    expect(() => xmlReply([['bad name', 1]])).toThrow(/not an XML element name/);
    expect(() => parseXmlReply('<html/>')).toThrow(XmlReplyError);
  });
});
