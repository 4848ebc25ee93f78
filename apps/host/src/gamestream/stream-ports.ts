// The video and audio ports between the client's RTSP SETUP and the
// streaming worker binding them. A Moonlight client pings the audio port
// right after SETUP audio and the video port right after PLAY, then every
// 500 ms. Bound at SETUP, these sockets hear the first pings and remember
// where each came from; at the first video ping they are closed and the
// worker (started at PLAY, waiting) binds the same ports already aimed at
// the client, so the stream starts at the first ping, not the second.
import { createSocket, type Socket } from 'node:dgram';
import { readMediaPing } from '@punktfunk/protocol';
import type { PingSource } from '../streaming/core/messages.js';
import { GameStreamListenError } from './listen.js';
import { plainAddress } from './requests.js';

// A previous stream's worker (a resume ends it as the new handshake starts)
// may still hold the port for a moment; it is given this long to let go.
const PORT_RELEASE_WAIT_MS = 2000;
const PORT_RETRY_MS = 20;

function bindOnce(bind: string, port: number): Promise<Socket> {
  const socket = createSocket({ type: bind.includes(':') ? 'udp6' : 'udp4' });
  return new Promise((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, bind, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

async function bindWithRetry(bind: string, port: number): Promise<Socket> {
  const deadline = Date.now() + PORT_RELEASE_WAIT_MS;
  for (;;) {
    try {
      return await bindOnce(bind, port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || Date.now() >= deadline) {
        const why = code === 'EADDRINUSE' ? 'is in use' : `failed (${code ?? (error as Error).message})`;
        throw new GameStreamListenError(`GameStream stream port ${bind}:${port}/udp ${why}`);
      }
      await new Promise((resolve) => setTimeout(resolve, PORT_RETRY_MS));
    }
  }
}

/** One stream port from SETUP until the worker takes it over. */
export class PingListener {
  private source: PingSource | null = null;
  private closed = false;
  /** Resolves at the first valid ping. */
  readonly firstPing: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    pingPayload: string,
  ) {
    let pinged = () => {};
    this.firstPing = new Promise((resolve) => {
      pinged = resolve;
    });
    socket.on('message', (datagram, from) => {
      if (!readMediaPing(datagram, pingPayload)) return;
      // The newest valid ping wins, as in the worker: a client that moved is followed.
      this.source = { host: plainAddress(from.address), port: from.port };
      pinged();
    });
    socket.on('error', () => {});
  }

  static async open(bind: string, port: number, pingPayload: string): Promise<PingListener> {
    return new PingListener(await bindWithRetry(bind, port), pingPayload);
  }

  /** Closes the port and says where the client pinged from (null: no ping yet). */
  async release(): Promise<PingSource | null> {
    if (!this.closed) {
      this.closed = true;
      await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    }
    return this.source;
  }
}
