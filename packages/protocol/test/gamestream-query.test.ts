import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GameStreamRequestError, parseLaunchRequest, parsePairRequest } from '../src/index.js';
import { CERT_A } from './fixtures/certificates.js';

const q = (text: string) => new URLSearchParams(text);
const hex = (n: number) => randomBytes(n).toString('hex');
const fails = (fn: () => unknown, status: number, message: RegExp) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GameStreamRequestError);
    expect((error as GameStreamRequestError).statusCode).toBe(status);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a GameStreamRequestError');
};

describe('GameStream /pair parameters', () => {
  it('reads each phase', () => {
    const certPem = CERT_A;
    const phase1 = parsePairRequest(
      q(
        `uniqueid=ABC&devicename=roth&phrase=getservercert&salt=${hex(16)}&clientcert=${Buffer.from(certPem).toString('hex')}`,
      ),
    );
    expect(phase1).toMatchObject({ phase: 'getservercert', uniqueId: 'ABC', deviceName: 'roth' });
    expect(parsePairRequest(q(`uniqueid=A&clientchallenge=${hex(16)}`)).phase).toBe('clientchallenge');
    expect(parsePairRequest(q(`uniqueid=A&serverchallengeresp=${hex(32)}`)).phase).toBe(
      'serverchallengeresp',
    );
    const phase4 = parsePairRequest(q(`uniqueid=A&clientpairingsecret=${hex(16 + 256)}`));
    expect(phase4.phase === 'clientpairingsecret' && phase4.signature.length).toBe(256);
    expect(parsePairRequest(q('uniqueid=A&phrase=pairchallenge')).phase).toBe('pairchallenge');
  });

  it('names what is wrong', () => {
    fails(() => parsePairRequest(q('phrase=pairchallenge')), 400, /'uniqueid' is missing/);
    fails(() => parsePairRequest(q('uniqueid=A&uniqueid=B&phrase=pairchallenge')), 400, /given 2 times/);
    fails(() => parsePairRequest(q('uniqueid=A&phrase=x')), 400, /unknown pairing phrase/);
    fails(() => parsePairRequest(q(`uniqueid=A&clientchallenge=${hex(17)}`)), 400, /16 bytes/);
    fails(() => parsePairRequest(q('uniqueid=A&clientchallenge=0g')), 400, /hexadecimal/);
    fails(
      () => parsePairRequest(q(`uniqueid=A&phrase=getservercert&salt=${hex(16)}&clientcert=00`)),
      400,
      /PEM/,
    );
  });
});

describe('GameStream /launch parameters', () => {
  const base = `uniqueid=A&appid=1&mode=1920x1080x120&rikey=${'ab'.repeat(16)}`;

  it('reads the stream request; rikeyid becomes uint32', () => {
    const launch = parseLaunchRequest(q(`${base}&rikeyid=-1&surroundAudioInfo=196610&localAudioPlayMode=1`));
    expect(launch).toMatchObject({ appId: 1, width: 1920, height: 1080, fps: 120, rikeyId: 0xffffffff });
    expect(launch.surroundAudioInfo).toBe(196610);
    expect(launch.localAudioPlayMode).toBe(true);
    expect(launch.rikey).toEqual(Buffer.alloc(16, 0xab));
  });

  it('names what is wrong', () => {
    fails(() => parseLaunchRequest(q(`${base}`)), 400, /'rikeyid' is missing/);
    fails(() => parseLaunchRequest(q(`${base}&rikeyid=1.5`)), 400, /integer/);
    fails(
      () => parseLaunchRequest(q(`${base.replace('1920x1080x120', '1920x1080')}&rikeyid=1`)),
      400,
      /'mode'/,
    );
    fails(() => parseLaunchRequest(q(`${base.replace('appid=1', 'appid=0')}&rikeyid=1`)), 400, /'appid'/);
  });
});
