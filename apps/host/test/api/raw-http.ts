// HTTP/1.1 by hand over a TCP socket, for what a well-behaved client never
// does: bodies larger than announced limits, bodies cut off mid-way, Host
// headers a browser would send after DNS rebinding.
import { connect, type Socket } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  socket: Socket;
  /** The first reply on the socket (rejects when the socket closes before one arrived). */
  reply: Promise<RawReply>;
}

function parseReply(buffer: Buffer): RawReply | null {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < headEnd + 4 + length) return null;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: buffer.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8'),
  };
}

/** Connects and sends the request head; the body is the caller's to send (or not). */
export function openRequest(
  url: string,
  head: { method: string; path: string; headers: Record<string, string> },
  localAddress?: string,
): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), localAddress });
  const reply = new Promise<RawReply>((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseReply(buffer);
      if (parsed) resolve(parsed);
    });
    socket.on('error', () => {});
    socket.on('close', () => reject(new Error('the socket closed before a reply')));
  });
  reply.catch(() => {});
  const lines = Object.entries(head.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`${head.method} ${head.path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  return { socket, reply };
}

/** Writes and waits until the bytes are handed to the kernel; false when the socket is gone. */
export function writeAll(socket: Socket, data: Buffer | string): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || !socket.writable) return resolve(false);
    socket.write(data, (error) => resolve(!error));
  });
}

/**
 * Sends `chunk` repeatedly until `totalBytes` are out, the reply arrived or
 * the socket closed; says how many body bytes went out before the reply.
 */
export async function sendUntilAnswered(
  exchange: RawExchange,
  chunk: Buffer,
  totalBytes: number,
  frame: (chunk: Buffer) => Buffer | string = (c) => c,
): Promise<{ reply: RawReply; sentBytes: number }> {
  let answered = false;
  void exchange.reply.then(
    () => (answered = true),
    () => (answered = true),
  );
  let sentBytes = 0;
  while (!answered && sentBytes < totalBytes) {
    if (!(await writeAll(exchange.socket, frame(chunk)))) break;
    sentBytes += chunk.length;
  }
  return { reply: await exchange.reply, sentBytes };
}
