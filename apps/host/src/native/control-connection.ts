// One punktfunk/1 control connection (TLS): hello → welcome → start, then
// IDR requests, bitrate changes, loss reports, client frame timing, pings,
// and stop. The media key is derived from the TLS session with the
// keying-material exporter, so no key ever crosses the wire.
import type { TLSSocket } from 'node:tls';
import {
  type ClientMessage,
  deriveMediaKeying,
  encodeFrame,
  FrameDecoder,
  type HelloMessage,
  type HostMessage,
  parseClientMessage,
} from '@punktfunk/protocol';
import type { Codec } from '@punktfunk/shared';
import type { StreamingSession } from '../streaming/session-manager.js';

export interface StreamOffer {
  codec: Codec;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  fecPercent: number;
  shardBytes: number;
  encoderName: string;
}

export interface ControlConnectionDeps {
  monotonicUs(): number;
  /** Chooses the stream the host will send for this hello. */
  offer(hello: HelloMessage): StreamOffer;
  /** Starts the streaming worker for this client. */
  startSession(args: {
    hello: HelloMessage;
    offer: StreamOffer;
    remoteAddress: string;
    key: Buffer;
    salt: Buffer;
    sessionId: string;
  }): StreamingSession;
  log(line: string): void;
  pingIntervalMs: number;
}

type Phase = 'awaiting-hello' | 'awaiting-start' | 'streaming' | 'closed';

export class ControlConnection {
  private readonly decoder = new FrameDecoder();
  private phase: Phase = 'awaiting-hello';
  private hello: HelloMessage | null = null;
  private offer: StreamOffer | null = null;
  private session: StreamingSession | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private rttUs: number | null = null;

  constructor(
    private readonly socket: TLSSocket,
    private readonly remoteAddress: string,
    private readonly sessionId: string,
    private readonly deps: ControlConnectionDeps,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.close('connection closed'));
    socket.on('error', (error) => deps.log(`native client ${remoteAddress}: ${error.message}`));
  }

  private send(message: HostMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(message));
  }

  private fail(message: string): void {
    this.deps.log(`native client ${this.remoteAddress}: ${message}`);
    this.send({ type: 'error', message });
    this.socket.end();
    this.close(message);
  }

  private onData(chunk: Buffer): void {
    let messages: unknown[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      this.fail((error as Error).message);
      return;
    }
    for (const raw of messages) {
      if (this.phase === 'closed') return;
      try {
        this.handle(parseClientMessage(raw));
      } catch (error) {
        this.fail((error as Error).message);
        return;
      }
    }
  }

  private handle(message: ClientMessage): void {
    switch (message.type) {
      case 'hello':
        this.onHello(message);
        return;
      case 'start':
        this.onStart();
        return;
      case 'stop':
        this.stopStreaming('client asked to stop');
        return;
      case 'pong':
        this.onPong(message.hostUs);
        return;
    }
    const session = this.session;
    if (!session) throw new Error(`'${message.type}' before the stream started`);
    if (message.type === 'idr') session.requestIdr();
    else if (message.type === 'bitrate') session.setTargetBitrateKbps(message.kbps);
    else if (message.type === 'loss') session.feedback(message);
    else if (message.type === 'timing') session.feedback({ type: 'frame-timing', frames: message.frames });
  }

  private onHello(hello: HelloMessage): void {
    if (this.phase !== 'awaiting-hello') throw new Error('hello sent twice');
    this.hello = hello;
    this.offer = this.deps.offer(hello);
    this.phase = 'awaiting-start';
    this.send({ type: 'welcome', sessionId: this.sessionId, ...this.offer });
  }

  private onStart(): void {
    if (this.phase !== 'awaiting-start' || !this.hello || !this.offer)
      throw new Error("'start' before 'hello'");
    const keying = deriveMediaKeying(this.socket);
    this.session = this.deps.startSession({
      hello: this.hello,
      offer: this.offer,
      remoteAddress: this.remoteAddress,
      key: keying.key,
      salt: keying.salt,
      sessionId: this.sessionId,
    });
    this.phase = 'streaming';
    this.session.ended.then((end) => {
      if (this.phase === 'closed') return;
      this.send(
        end.error
          ? { type: 'error', message: `stream failed: ${end.error}` }
          : { type: 'stopped', reason: 'host stopped the stream' },
      );
      this.socket.end();
      this.close('stream ended');
    });
    this.pingTimer = setInterval(
      () => this.send({ type: 'ping', hostUs: this.deps.monotonicUs(), rttUs: this.rttUs }),
      this.deps.pingIntervalMs,
    );
    this.send({ type: 'ping', hostUs: this.deps.monotonicUs(), rttUs: null });
  }

  private onPong(hostUs: number): void {
    const rttUs = this.deps.monotonicUs() - hostUs;
    if (rttUs < 0) return;
    this.rttUs = rttUs;
    this.session?.feedback({ type: 'rtt', rttUs });
  }

  private stopStreaming(reason: string): void {
    this.send({ type: 'stopped', reason });
    this.socket.end();
    this.close(reason);
  }

  private close(reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.session) {
      this.deps.log(`native session ${this.sessionId} (${this.remoteAddress}): ${reason}`);
      void this.session.stop();
    }
  }

  /** Host shutdown: tell the client and end the stream. */
  shutdown(): void {
    if (this.phase !== 'closed') this.stopStreaming('host is shutting down');
  }
}
