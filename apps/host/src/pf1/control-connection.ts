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
  type WelcomeMessage,
} from '@punktfunk/protocol';
import { clientLabel } from '../identity/paired-clients.js';
import type { StreamingSession } from '../streaming/core/session-manager.js';
import { NativePairing, type PairingStore, type PinBroker } from './pairing.js';

/** The stream the host offers: the welcome message without its envelope. */
export type StreamOffer = Omit<WelcomeMessage, 'type' | 'sessionId'>;

export interface ControlConnectionDeps {
  monotonicUs(): number;
  /** Chooses the stream the host will send for this hello. */
  offer(hello: HelloMessage): StreamOffer;
  /** Opens the desktop and starts the streaming worker for this client; rejects with the reason it cannot. */
  startSession(args: {
    hello: HelloMessage;
    offer: StreamOffer;
    remoteAddress: string;
    /** SHA-256 of the client's TLS certificate, hex; '' when it showed none (loopback without pairing). */
    fingerprint: string;
    key: Buffer;
    salt: Buffer;
    sessionId: string;
  }): Promise<StreamingSession>;
  log(line: string): void;
  pingIntervalMs: number;
  /** Pairing of clients that are not admitted yet; null: such clients are refused. */
  pairing: { broker: PinBroker; store: PairingStore } | null;
}

export interface ConnectionPeer {
  address: string;
  /** SHA-256 of the client certificate, lowercase hex; '' without one. */
  fingerprint: string;
  /** Loopback (when allowed) or a paired certificate. */
  admitted: boolean;
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
  private admitted: boolean;
  private pairing: NativePairing | null = null;
  private readonly remoteAddress: string;

  constructor(
    private readonly socket: TLSSocket,
    private readonly peer: ConnectionPeer,
    private readonly sessionId: string,
    private readonly deps: ControlConnectionDeps,
  ) {
    this.remoteAddress = peer.address;
    this.admitted = peer.admitted;
    const remoteAddress = peer.address;
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
    if (!this.admitted) {
      this.handleUnpaired(message);
      return;
    }
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

  /** Before admission only pairing is possible. */
  private handleUnpaired(message: ClientMessage): void {
    if (message.type === 'hello') {
      this.send({ type: 'pairing-required' });
      return;
    }
    if (message.type === 'pair') {
      this.startPairing(message.clientName);
      return;
    }
    if (message.type === 'pair-proof' && this.pairing) {
      this.finishPairing(this.pairing, message.proof);
      return;
    }
    if (message.type === 'pair-fail' && this.pairing) {
      this.pairing.fail(message.reason);
      this.fail(`pairing failed: ${message.reason}`);
      return;
    }
    throw new Error('pairing required: this client is not paired with the host');
  }

  private startPairing(clientName: string): void {
    const pairing = this.deps.pairing;
    if (!pairing) throw new Error('pairing required, but this host does not accept pairing requests here');
    if (this.pairing) throw new Error('a pairing is already in progress on this connection');
    if (!this.peer.fingerprint) throw new Error('pairing needs a client certificate');
    const info = {
      kind: 'native' as const,
      clientName,
      address: this.remoteAddress,
      fingerprint: this.peer.fingerprint,
    };
    this.pairing = new NativePairing(this.socket, info, pairing.broker, pairing.store);
    this.deps.log(
      `native client ${clientLabel(clientName, info.fingerprint)} at ${this.remoteAddress} asks to pair; waiting for the operator's PIN`,
    );
    this.pairing
      .begin((m) => this.send(m))
      .catch((error: Error) => this.fail(`pairing ended: ${error.message}`));
  }

  private finishPairing(pairing: NativePairing, proof: string): void {
    pairing.finish(proof).then(
      (ok) => {
        if (!ok) return this.fail('pairing failed: wrong PIN');
        this.admitted = true;
        this.deps.log(
          `native client ${clientLabel(pairing.info.clientName, pairing.info.fingerprint)} paired`,
        );
        this.send({ type: 'paired' });
      },
      (error: Error) => this.fail(`pairing failed: ${error.message}`),
    );
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
    // 'streaming' at once: a second 'start' while the desktop opens is refused.
    this.phase = 'streaming';
    this.deps
      .startSession({
        hello: this.hello,
        offer: this.offer,
        remoteAddress: this.remoteAddress,
        fingerprint: this.peer.fingerprint,
        key: keying.key,
        salt: keying.salt,
        sessionId: this.sessionId,
      })
      .then(
        (session) => this.streamStarted(session),
        (error: Error) => {
          if (this.phase !== 'closed') this.fail(`stream failed: ${error.message}`);
        },
      );
  }

  private streamStarted(session: StreamingSession): void {
    if (this.phase === 'closed') {
      // The client left while the desktop was opening.
      void session.stop();
      return;
    }
    this.session = session;
    session.ended.then((end) => {
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
    this.pairing?.cancel();
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
