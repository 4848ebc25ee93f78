// RTSP framing with plain bytes: requests as Moonlight writes them, split
// anywhere, and everything malformed or too large refused with a status.
import { describe, expect, it } from 'vitest';
import {
  buildRtspResponse,
  parseRtspRequest,
  peekRtspCseq,
  RTSP_MAX_BODY_BYTES,
  RTSP_MAX_HEAD_BYTES,
  RtspError,
  rtspErrorResponse,
} from '../src/index.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const OPTIONS =
  'OPTIONS rtsp://10.0.0.2:48010 RTSP/1.0\r\nCSeq: 1\r\nX-GS-ClientVersion: 14\r\nHost: 10.0.0.2\r\n\r\n';

function refused(text: string | Buffer, status: number, message: RegExp): void {
  try {
    parseRtspRequest(typeof text === 'string' ? bytes(text) : text);
  } catch (error) {
    expect(error).toBeInstanceOf(RtspError);
    expect((error as RtspError).statusCode).toBe(status);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an RtspError');
}

describe('RTSP request parser', () => {
  it('reads the request line, CSeq and headers (names case-insensitive)', () => {
    const parsed = parseRtspRequest(bytes(OPTIONS));
    expect(parsed.kind).toBe('request');
    if (parsed.kind !== 'request') return;
    expect(parsed.request.method).toBe('OPTIONS');
    expect(parsed.request.target).toBe('rtsp://10.0.0.2:48010');
    expect(parsed.request.cseq).toBe(1);
    expect(parsed.request.headers.get('x-gs-clientversion')).toBe('14');
    expect(parsed.request.body.length).toBe(0);
    expect(parsed.consumedBytes).toBe(OPTIONS.length);
  });

  it('reads a body by Content-length, and waits for all of it', () => {
    const sdp = 'v=0\r\na=x-nv-video[0].maxFPS:60 \r\n';
    const text = `ANNOUNCE streamid=control/13/0 RTSP/1.0\r\nCSeq: 6\r\nContent-type: application/sdp\r\nContent-length: ${sdp.length}\r\n\r\n${sdp}`;
    for (let cut = 0; cut < text.length; cut++) {
      expect(parseRtspRequest(bytes(text.slice(0, cut))).kind).toBe('incomplete');
    }
    const parsed = parseRtspRequest(bytes(`${text}EXTRA`));
    expect(parsed.kind === 'request' && parsed.request.body.toString()).toBe(sdp);
    expect(parsed.kind === 'request' && parsed.consumedBytes).toBe(text.length);
  });

  it('accepts bare LF line ends', () => {
    const parsed = parseRtspRequest(bytes('PLAY / RTSP/1.0\nCSeq: 7\n\n'));
    expect(parsed.kind === 'request' && parsed.request.cseq).toBe(7);
  });

  it('refuses malformed requests with a status and a reason', () => {
    refused('OPTIONS rtsp://x RTSP/1.0\r\n\r\n', 400, /'CSeq' is missing/);
    refused('OPTIONS rtsp://x RTSP/1.0\r\nCSeq: one\r\n\r\n', 400, /'CSeq' must be an integer/);
    refused('OPTIONS rtsp://x RTSP/1.0\r\nCSeq: 99999999999\r\n\r\n', 400, /'CSeq' must be an integer/);
    refused('OPTIONS rtsp://x HTTP/1.1\r\nCSeq: 1\r\n\r\n', 505, /unsupported version/);
    refused('OPTIONS\r\nCSeq: 1\r\n\r\n', 400, /malformed request line/);
    refused('OPT!ONS x RTSP/1.0\r\nCSeq: 1\r\n\r\n', 400, /malformed method/);
    refused('OPTIONS x RTSP/1.0\r\nCSeq: 1\r\nno colon here\r\n\r\n', 400, /malformed header line/);
    refused('OPTIONS x RTSP/1.0\r\nCSeq: 1\r\ncseq: 2\r\n\r\n', 400, /given twice/);
    refused('OPTIONS x RTSP/1.0\r\nCSeq: 1\r\nContent-length: -3\r\n\r\n', 400, /'Content-length'/);
    refused(
      Buffer.concat([bytes('OPTIONS x RTSP/1.0\r\nCSeq: 1\r\nX: '), Buffer.of(0, 1, 2), bytes('\r\n\r\n')]),
      400,
      /control bytes/,
    );
    refused(Buffer.concat([Buffer.alloc(64, 0xff), bytes('\r\n\r\n')]), 400, /malformed request line/);
    // Garbage without a head end is only 'incomplete' until it passes the head limit.
    expect(parseRtspRequest(Buffer.alloc(64, 0xff)).kind).toBe('incomplete');
  });

  it('refuses a head or a body over the limits, before buffering them', () => {
    refused(Buffer.alloc(RTSP_MAX_HEAD_BYTES + 1, 0x41), 413, /head is longer/);
    const longHeader = `OPTIONS x RTSP/1.0\r\nCSeq: 1\r\nX-Pad: ${'a'.repeat(RTSP_MAX_HEAD_BYTES)}\r\n\r\n`;
    refused(longHeader, 413, /head is longer/);
    refused(
      `ANNOUNCE x RTSP/1.0\r\nCSeq: 1\r\nContent-length: ${RTSP_MAX_BODY_BYTES + 1}\r\n\r\n`,
      413,
      /over the/,
    );
    const headers = Array.from({ length: 70 }, (_, i) => `X-${i}: 1`).join('\r\n');
    refused(`OPTIONS x RTSP/1.0\r\nCSeq: 1\r\n${headers}\r\n\r\n`, 400, /more than 64 headers/);
  });

  it('finds the CSeq of a request it refuses, to echo it', () => {
    expect(peekRtspCseq(bytes('GARBAGE\r\nCSeq: 42\r\n\r\n'))).toBe(42);
    expect(peekRtspCseq(bytes('GARBAGE\r\n\r\n'))).toBeNull();
  });
});

describe('RTSP response builder', () => {
  it('writes status line, CSeq, headers and a sized body', () => {
    const out = buildRtspResponse({
      statusCode: 200,
      cseq: 3,
      headers: [['Session', 'AB;timeout = 90']],
      body: 'v=0\r\n',
    });
    expect(out.toString()).toBe(
      'RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: AB;timeout = 90\r\nContent-Length: 5\r\n\r\nv=0\r\n',
    );
  });

  it('writes error replies with a reason header, and refuses header injection', () => {
    const out = buildRtspResponse(
      rtspErrorResponse(null, new RtspError(455, 'SETUP needs DESCRIBE\r\nfirst')),
    );
    expect(out.toString()).toBe(
      'RTSP/1.0 455 Method Not Valid in This State\r\nX-Punktfunk-Error: SETUP needs DESCRIBE  first\r\n\r\n',
    );
    expect(() =>
      buildRtspResponse({ statusCode: 200, cseq: 1, headers: [['X', 'a\r\nInjected: 1']] }),
    ).toThrow(RtspError);
  });
});
