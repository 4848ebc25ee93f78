// The RTSP lane (TCP 48010): one request per connection, answered and then
// closed by the host, which is how Moonlight reads a reply (until EOF). The
// handshake state lives in one RtspSession per launch record, not in the
// connection; what it negotiates is written onto the record for the
// streaming part.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  type AnnouncedStream,
  buildRtspResponse,
  createRtspSession,
  type HostSdpOptions,
  parseRtspRequest,
  peekRtspCseq,
  RtspError,
  type RtspRequest,
  type RtspResponse,
  type RtspSession,
  type RtspStreamKind,
  rtspErrorResponse,
} from '@punktfunk/protocol';
import { ConnectionGuard, type GuardSettings } from '../net/connection-guard.js';
import type { CodecFallbacks } from './codec-fallback.js';
import { GameStreamListenError } from './listen.js';
import { plainAddress } from './requests.js';
import type { GameStreamSession, SlotSessions } from './sessions.js';

/** The UDP ports the client is told in SETUP (the GameStream defaults; the streaming part binds them). */
export const GAMESTREAM_STREAM_PORTS: Record<RtspStreamKind, number> = {
  video: 47998,
  control: 47999,
  audio: 48000,
};

// A client that connects and sends nothing (or dribbles bytes) is cut off
// after this; Moonlight sends each request at once.
const IDLE_SOCKET_MS = 10_000;

export interface RtspServerOptions {
  port: number;
  bind: string;
  /** The launch record of this lane's slot. */
  sessions: SlotSessions;
  sdp: HostSdpOptions;
  /** Codecs too slow for a mode on this machine: DESCRIBE for such a launch leaves them out. */
  codecFallbacks?: CodecFallbacks;
  streamPorts?: Record<RtspStreamKind, number>;
  /** First-request timeout and connection caps (one request per connection here). */
  guard: GuardSettings;
  /** The host's check of an ANNOUNCE (engine ranges, stream caps): throws an RtspError to refuse it. */
  checkStream?(stream: AnnouncedStream): void;
  /** Binds a set-up video or audio port before the reply goes out (the client pings it at once). */
  openStreamPort?(kind: 'video' | 'audio', session: GameStreamSession): Promise<void>;
  log(line: string): void;
}

export interface GameStreamRtspServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

interface Handshake {
  sessionId: string;
  pingPayload: string;
  rtsp: RtspSession;
}

function describeStream(s: AnnouncedStream): string {
  const bitrate = s.configuredBitrateKbps ?? s.maxBitrateKbps;
  return (
    `${s.width}x${s.height}@${s.fps} ${s.codec}${s.yuv444 ? ' 4:4:4' : ''} ${bitrate} kbps, packet ${s.packetSize} B, ` +
    `FEC min ${s.minRequiredFecPackets}, audio ${s.audioPacketDurationMs} ms ${s.surround.channelCount} ch` +
    `${s.surround.highQuality ? ' high quality' : ''}, ` +
    `encryption 0x${s.encryptionEnabled.toString(16)}${s.audioEncryption ? ' + audio' : ''}`
  );
}

/** The handshake state machine per launch record, and what it reports back to the record. */
class RtspHandshakes {
  private current: Handshake | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: RtspServerOptions) {
    this.unsubscribe = o.sessions.onChange((session) => {
      // A new launch, a resume (new key, new ping payload) or a cancel ends the handshake.
      if (this.current && (session === null || !this.matches(session))) this.reset();
    });
  }

  private matches(session: GameStreamSession): boolean {
    return (
      this.current?.sessionId === session.sessionId && this.current.pingPayload === session.stream.pingPayload
    );
  }

  reset(): void {
    this.current?.rtsp.stop();
    this.current = null;
  }

  close(): void {
    this.unsubscribe();
    this.reset();
  }

  private handshakeFor(session: GameStreamSession): Handshake {
    if (this.current && this.matches(session)) return this.current;
    this.reset();
    const rtsp = createRtspSession({
      sessionToken: randomBytes(6).toString('hex').toUpperCase(),
      pingPayload: session.stream.pingPayload,
      controlConnectData: session.stream.controlConnectData,
      serverPorts: this.o.streamPorts ?? GAMESTREAM_STREAM_PORTS,
      sdp: this.o.codecFallbacks?.sdpFor(this.o.sdp, session) ?? this.o.sdp,
      checkStream: this.o.checkStream,
    });
    rtsp.start();
    this.current = { sessionId: session.sessionId, pingPayload: session.stream.pingPayload, rtsp };
    return this.current;
  }

  async handle(request: RtspRequest, remoteAddress: string): Promise<RtspResponse> {
    const session = this.o.sessions.current();
    if (!session)
      return rtspErrorResponse(request.cseq, new RtspError(503, 'no app is launched; /launch first'));
    if (plainAddress(remoteAddress) !== session.clientAddress) {
      return rtspErrorResponse(
        request.cseq,
        new RtspError(403, 'the running session was launched by another address'),
      );
    }
    const handshake = this.handshakeFor(session);
    const { response, event } = handshake.rtsp.handle(request);
    if (response.statusCode !== 200) {
      const why = response.headers?.find(([name]) => name === 'X-Punktfunk-Error')?.[1] ?? '';
      // The method as the client wrote it: any token up to the head limit, so cut for the log.
      this.o.guard.failures.detail(
        'GameStream RTSP',
        'request refused',
        `GameStream RTSP: ${request.method.slice(0, 20)} answered ${response.statusCode} (${why})`,
      );
    }
    if (event?.kind === 'setup' && event.stream !== 'control') {
      try {
        await this.o.openStreamPort?.(event.stream, session);
      } catch (error) {
        this.o.log(`GameStream RTSP: SETUP ${event.stream}: ${(error as Error).message}`);
        return rtspErrorResponse(request.cseq, new RtspError(503, (error as Error).message));
      }
    } else if (event?.kind === 'announced') {
      this.o.sessions.updateStream(session.sessionId, { announced: event.stream });
      this.o.log(`GameStream RTSP: client announced ${describeStream(event.stream)}`);
    } else if (event?.kind === 'play') {
      this.o.sessions.updateStream(session.sessionId, { playing: true });
      this.o.log('GameStream RTSP: PLAY, the client expects the streams now');
    }
    return response;
  }
}

function serveConnection(socket: Socket, handshakes: RtspHandshakes, guard: ConnectionGuard): void {
  let buffered = Buffer.alloc(0);
  let answered = false;
  const reply = (response: RtspResponse) => {
    answered = true;
    socket.end(buildRtspResponse(response));
  };
  socket.setTimeout(IDLE_SOCKET_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    buffered = Buffer.concat([buffered, chunk]);
    let parsed: ReturnType<typeof parseRtspRequest>;
    try {
      parsed = parseRtspRequest(buffered);
    } catch (error) {
      guard.note('malformed request');
      const rtspError = error instanceof RtspError ? error : new RtspError(400, String(error));
      return reply(rtspErrorResponse(peekRtspCseq(buffered), rtspError));
    }
    if (parsed.kind === 'incomplete') return;
    const { request } = parsed;
    // Answered once: later bytes on this connection are ignored while the answer is worked out.
    answered = true;
    handshakes.handle(request, socket.remoteAddress ?? '').then(reply, (error: Error) =>
      // Nothing above should throw; if it does, the client still gets an answer.
      reply(rtspErrorResponse(request.cseq, new RtspError(500, `internal error: ${error.message}`))),
    );
  });
}

export function startGameStreamRtsp(o: RtspServerOptions): Promise<GameStreamRtspServer> {
  const handshakes = new RtspHandshakes(o);
  const sockets = new Set<Socket>();
  const guard = new ConnectionGuard({ listener: 'GameStream RTSP', ...o.guard });
  const server = createServer((socket) => {
    if (socket.destroyed) return; // refused by the guard
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, handshakes, guard);
  });
  guard.watch(server);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `failed (${error.code ?? error.message})`;
      reject(new GameStreamListenError(`GameStream RTSP ${o.bind}:${o.port} ${why}`));
    };
    server.once('error', onError);
    server.listen(o.port, o.bind, () => {
      server.off('error', onError);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : o.port;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((done) => {
            handshakes.close();
            if (!server.listening) return done();
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
