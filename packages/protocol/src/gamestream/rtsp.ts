// RTSP as Moonlight speaks it to a GameStream host (moonlight-common-c
// RtspConnection.c / RtspParser.c): one request per TCP connection, text
// head lines ending in CRLF, `CSeq` on every message, an optional body sized
// by `Content-length`. This file only turns bytes into requests and replies
// into bytes; rtsp-session.ts decides what to answer.

export class RtspError extends Error {
  constructor(
    /** The RTSP status to answer with (400 malformed, 413 too large, 505 wrong version, ...). */
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

export interface RtspRequest {
  method: string;
  /** The request target as sent: `rtsp://host:port`, `streamid=video/0/0`, `/`. */
  target: string;
  cseq: number;
  /** Header names lower-cased; a repeated header is refused, so one value each. */
  headers: ReadonlyMap<string, string>;
  body: Buffer;
}

export type RtspParseResult =
  | { kind: 'incomplete' }
  | { kind: 'request'; request: RtspRequest; consumedBytes: number };

// Moonlight's requests are a few hundred bytes of head; its ANNOUNCE SDP is
// about 2 kB. These limits are generous for that and stop a peer from making
// the host buffer without end.
export const RTSP_MAX_HEAD_BYTES = 8 * 1024;
export const RTSP_MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADERS = 64;

const TOKEN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'RTSP Version Not Supported',
};

export function rtspReason(statusCode: number): string {
  return REASONS[statusCode] ?? 'Error';
}

/** Bytes below 0x20 other than CR, LF and tab, or DEL: a head with them is not text. */
function hasControlBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Where the head ends (index of the first body byte) or -1. Accepts CRLF CRLF and bare LF LF. */
function headEnd(bytes: Buffer): { headLength: number; bodyStart: number } | null {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return null;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { headLength: crlf, bodyStart: crlf + 4 };
  return { headLength: lf, bodyStart: lf + 2 };
}

function parseRequestLine(line: string): { method: string; target: string } {
  const parts = line.split(' ').filter((part) => part !== '');
  if (parts.length !== 3) throw new RtspError(400, `malformed request line '${line.slice(0, 80)}'`);
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) throw new RtspError(400, `malformed method '${method.slice(0, 40)}'`);
  if (version !== 'RTSP/1.0') throw new RtspError(505, `unsupported version '${version.slice(0, 40)}'`);
  return { method: method.toUpperCase(), target };
}

function parseHeaders(lines: string[]): Map<string, string> {
  if (lines.length > MAX_HEADERS) throw new RtspError(400, `more than ${MAX_HEADERS} headers`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) throw new RtspError(400, `malformed header line '${line.slice(0, 80)}'`);
    const key = name.toLowerCase();
    if (headers.has(key)) throw new RtspError(400, `header '${name}' is given twice`);
    headers.set(key, line.slice(colon + 1).trim());
  }
  return headers;
}

function unsignedHeader(headers: ReadonlyMap<string, string>, name: string, max: number): number | null {
  const text = headers.get(name.toLowerCase());
  if (text === undefined) return null;
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) {
    throw new RtspError(400, `header '${name}' must be an integer 0..${max}, got '${text.slice(0, 20)}'`);
  }
  return Number(text);
}

/**
 * Parses one request from the start of `bytes`. `incomplete` means more bytes
 * are needed; anything malformed or too large is an RtspError.
 */
export function parseRtspRequest(bytes: Buffer): RtspParseResult {
  const end = headEnd(bytes);
  if (end === null) {
    if (bytes.length > RTSP_MAX_HEAD_BYTES) {
      throw new RtspError(413, `request head is longer than ${RTSP_MAX_HEAD_BYTES} bytes`);
    }
    return { kind: 'incomplete' };
  }
  if (end.headLength > RTSP_MAX_HEAD_BYTES) {
    throw new RtspError(413, `request head is longer than ${RTSP_MAX_HEAD_BYTES} bytes`);
  }
  const head = bytes.subarray(0, end.headLength).toString('latin1');
  if (hasControlBytes(head)) throw new RtspError(400, 'request head has control bytes');
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const { method, target } = parseRequestLine(requestLine);
  const headers = parseHeaders(headerLines);
  const cseq = unsignedHeader(headers, 'CSeq', 0xffffffff);
  if (cseq === null) throw new RtspError(400, "header 'CSeq' is missing");
  const bodyLength = unsignedHeader(headers, 'Content-length', 0xffffffff) ?? 0;
  if (bodyLength > RTSP_MAX_BODY_BYTES) {
    throw new RtspError(413, `body of ${bodyLength} bytes is over the ${RTSP_MAX_BODY_BYTES} limit`);
  }
  if (bytes.length < end.bodyStart + bodyLength) return { kind: 'incomplete' };
  const body = Buffer.from(bytes.subarray(end.bodyStart, end.bodyStart + bodyLength));
  return {
    kind: 'request',
    request: { method, target, cseq, headers, body },
    consumedBytes: end.bodyStart + bodyLength,
  };
}

/** The CSeq of a request we could not parse, if its head shows one, so the error reply can echo it. */
export function peekRtspCseq(bytes: Buffer): number | null {
  const match = /(?:^|\n)CSeq:[ \t]*(\d{1,10})\r?\n/i.exec(
    bytes.subarray(0, RTSP_MAX_HEAD_BYTES).toString('latin1'),
  );
  return match && Number(match[1]) <= 0xffffffff ? Number(match[1]) : null;
}

export interface RtspResponse {
  statusCode: number;
  /** Echoed from the request; null only when the request had none we could read. */
  cseq: number | null;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
}

const SAFE_HEADER_VALUE = /^[^\r\n]*$/;

export function buildRtspResponse(response: RtspResponse): Buffer {
  const lines = [`RTSP/1.0 ${response.statusCode} ${rtspReason(response.statusCode)}`];
  if (response.cseq !== null) lines.push(`CSeq: ${response.cseq}`);
  for (const [name, value] of response.headers ?? []) {
    if (!HEADER_NAME.test(name) || !SAFE_HEADER_VALUE.test(value)) {
      throw new RtspError(500, `header '${name.slice(0, 40)}' cannot be sent`);
    }
    lines.push(`${name}: ${value}`);
  }
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : (response.body ?? null);
  if (body && body.length > 0) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body && body.length > 0 ? Buffer.concat([head, body]) : head;
}

/** An error reply; the reason goes in a header so a person reading a capture sees why. */
export function rtspErrorResponse(cseq: number | null, error: RtspError): RtspResponse {
  const why = error.message.replace(/[\r\n]/g, ' ').slice(0, 200);
  return { statusCode: error.statusCode, cseq, headers: [['X-Punktfunk-Error', why]] };
}
