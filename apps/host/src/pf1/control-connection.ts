// One punktfunk/1 control connection (TLS): hello → welcome → start, then
// IDR requests, bitrate changes, loss reports, client frame timing, pings,
// and stop. The media key is derived from the TLS session with the
// keying-material exporter, so no key ever crosses the wire.
//
// A streaming client that goes silent (frozen, or gone without a FIN) is
// ended after clientTimeoutMs. What the host writes to a client waits in
// the socket only up to CONTROL_QUEUE_LIMIT_BYTES: pings are skipped while
// anything is still waiting, and a client that lets more pile up is cut off.
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
  /** A streaming client silent this long (no message at all, not even a pong) is gone. */
  clientTimeoutMs: number;
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

/** What the listener's connection guard learns from this connection. */
export interface ConnectionGuardHooks {
  /** The first valid message of an admitted client, or a pairing request: no longer an unauthenticated peer. */
  greeted(): void;
  /** Before that, failures are counted in the peer-failure summary, not logged one by one. */
  failedBeforeGreeting(kind: 'malformed request' | 'connection error'): void;
  /** After it, a failure has its own line, up to a few per interval (a fuzzing client is then counted). */
  failedAfterGreeting(kind: 'malformed request' | 'connection error', line: string): void;
}

type Phase = 'awaiting-hello' | 'awaiting-start' | 'streaming' | 'closed';

/**
 * Bytes the host lets wait in a client's control socket (beyond what the
 * kernel took). Host messages are a few hundred bytes, and pings are skipped
 * while anything waits, so only a client that stopped reading gets here.
 */
export const CONTROL_QUEUE_LIMIT_BYTES = 64 * 1024;
/** How long a client may take to read the host's last message (and close) before the socket is destroyed. */
const CLOSE_LINGER_MS = 1000;

export class ControlConnection {
  private readonly decoder = new FrameDecoder();
  private phase: Phase = 'awaiting-hello';
  private hello: HelloMessage | null = null;
  private offer: StreamOffer | null = null;
  private session: StreamingSession | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private lastHeardMs = performance.now();
  private rttUs: number | null = null;
  private admitted: boolean;
  private pairing: NativePairing | null = null;
  private readonly remoteAddress: string;
  private greeted = false;

  constructor(
    private readonly socket: TLSSocket,
    private readonly peer: ConnectionPeer,
    private readonly sessionId: string,
    private readonly deps: ControlConnectionDeps,
    private readonly guard: ConnectionGuardHooks,
  ) {
    this.remoteAddress = peer.address;
    this.admitted = peer.admitted;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.close('connection closed'));
    socket.on('error', (error) => {
      if (this.greeted)
        guard.failedAfterGreeting(
          'connection error',
          `native client ${this.remoteAddress}: ${error.message}`,
        );
      else guard.failedBeforeGreeting('connection error');
    });
  }

  /** A droppable message (a ping) is skipped while earlier ones still wait to be written. */
  private send(message: HostMessage, droppable = false): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (droppable && socket.writableLength > 0) return;
    const frame = encodeFrame(message);
    if (socket.writableLength + frame.length > CONTROL_QUEUE_LIMIT_BYTES) {
      this.cutOff(`the client does not read its control connection (${socket.writableLength} bytes waiting)`);
      return;
    }
    socket.write(frame);
  }

  /**
   * Sends the FIN after what is queued; a client that does not read (a
   * frozen one) would hold the socket half-closed forever, so it is
   * destroyed after a moment.
   */
  private endSocket(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS).unref();
  }

  /** Ends the connection without waiting for the client to read anything. */
  private cutOff(reason: string): void {
    this.deps.log(`native client ${this.remoteAddress}: ${reason}`);
    this.socket.destroy();
    this.close(reason);
  }

  private fail(message: string): void {
    if (this.greeted)
      this.guard.failedAfterGreeting('malformed request', `native client ${this.remoteAddress}: ${message}`);
    else this.guard.failedBeforeGreeting('malformed request');
    this.send({ type: 'error', message });
    this.endSocket();
    this.close(message);
  }

  private onData(chunk: Buffer): void {
    this.lastHeardMs = performance.now();
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
        if (!this.greeted && (this.admitted || this.pairing)) {
          this.greeted = true;
          this.guard.greeted();
        }
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
          : // The host's reason where it gave one (the session's display went away), cut to what the message carries.
            {
              type: 'stopped',
              reason: `host stopped the stream${end.reason ? `: ${end.reason}` : ''}`.slice(0, 256),
            },
      );
      this.endSocket();
      this.close('stream ended');
    });
    this.pingTimer = setInterval(
      () => this.send({ type: 'ping', hostUs: this.deps.monotonicUs(), rttUs: this.rttUs }, true),
      this.deps.pingIntervalMs,
    );
    this.send({ type: 'ping', hostUs: this.deps.monotonicUs(), rttUs: null }, true);
    this.lastHeardMs = performance.now();
    this.watchSilence();
  }

  /** Checks again when the client would have been silent for clientTimeoutMs. */
  private watchSilence(): void {
    const silentMs = performance.now() - this.lastHeardMs;
    const timeoutMs = this.deps.clientTimeoutMs;
    if (silentMs >= timeoutMs) {
      this.endSilentClient(silentMs);
      return;
    }
    this.silenceTimer = setTimeout(() => this.watchSilence(), timeoutMs - silentMs);
  }

  private endSilentClient(silentMs: number): void {
    const reason = `no message from the client for ${(silentMs / 1000).toFixed(1)} s (timeout ${this.deps.clientTimeoutMs / 1000} s)`;
    this.stopStreaming(reason);
  }

  private onPong(hostUs: number): void {
    const rttUs = this.deps.monotonicUs() - hostUs;
    if (rttUs < 0) return;
    this.rttUs = rttUs;
    this.session?.feedback({ type: 'rtt', rttUs });
  }

  private stopStreaming(reason: string): void {
    this.send({ type: 'stopped', reason });
    this.endSocket();
    this.close(reason);
  }

  private close(reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pairing?.cancel();
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    if (this.session) {
      this.deps.log(`native session ${this.sessionId} (${this.remoteAddress}): ${reason}`);
      void this.session.stop(reason);
    }
  }

  /** Host shutdown: tell the client and end the stream. */
  shutdown(): void {
    if (this.phase !== 'closed') this.stopStreaming('host is shutting down');
  }
}
