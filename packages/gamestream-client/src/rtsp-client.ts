// The RTSP side of a Moonlight client: one request per TCP connection, the
// reply read until the host closes the connection (as moonlight-common-c does).
import { connect } from 'node:net';

export interface RtspReply {
  statusCode: number;
  headers: Map<string, string>;
  body: string;
  raw: string;
}

export function parseRtspReply(raw: string): RtspReply {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const statusCode = Number(/^RTSP\/1\.0 (\d{3}) /.exec(statusLine)?.[1] ?? Number.NaN);
  return { statusCode, headers, body: split < 0 ? '' : raw.slice(split + 4), raw };
}

/** Sends `bytes` on a fresh connection; resolves with everything the host sent once it closed. */
export function rtspExchange(port: number, bytes: string | Buffer): Promise<RtspReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(parseRtspReply(Buffer.concat(chunks).toString('latin1'))));
    socket.on('connect', () => socket.write(bytes));
  });
}

export class RtspClient {
  private cseq = 0;
  session: string | null = null;

  constructor(
    private readonly port: number,
    private readonly hostAddress = '127.0.0.1',
  ) {}

  async request(
    method: string,
    target: string,
    headers: Record<string, string> = {},
    body = '',
  ): Promise<RtspReply> {
    this.cseq += 1;
    const all: Record<string, string> = {
      CSeq: String(this.cseq),
      'X-GS-ClientVersion': '14',
      Host: this.hostAddress,
      ...headers,
    };
    if (this.session && method !== 'OPTIONS' && method !== 'DESCRIBE') all.Session = this.session;
    if (body) {
      all['Content-type'] = 'application/sdp';
      all['Content-length'] = String(Buffer.byteLength(body));
    }
    const head = Object.entries(all)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const reply = await rtspExchange(this.port, `${method} ${target} RTSP/1.0\r\n${head}\r\n${body}`);
    const session = reply.headers.get('session');
    if (session) this.session = session.split(';')[0] ?? null;
    return reply;
  }

  url(): string {
    return `rtsp://${this.hostAddress}:${this.port}`;
  }
}
