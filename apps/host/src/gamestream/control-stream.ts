// The GameStream control stream (UDP 47999): ENet carrying the encrypted
// control messages (AES-GCM, control v2). One socket for the host's life;
// at most one client link at a time, expected by the streamer after PLAY
// with the X-SS-Connect-Data it handed out in SETUP. The first CONNECT that
// carries that value pins the link to its address; datagrams from anywhere
// else are dropped. The link surfaces what the worker needs (IDR requests,
// FEC status reports, the round-trip time), the client's input packets
// (decoded, for the input router) and can end the stream the way
// Moonlight expects: a termination message, then an ENet disconnect.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  type ClientControlMessage,
  ControlMessageError,
  createControlCipher,
  createEnetPeer,
  decodeInputPacket,
  type EnetDisconnectReason,
  type EnetPeer,
  type FecStatus,
  type InputEvent,
} from '@punktfunk/protocol';
import { GameStreamListenError } from './listen.js';

/** CTRL_CHANNEL_GENERIC: where the host's own messages go. */
const GENERIC_CHANNEL = 0;
const SERVICE_INTERVAL_MS = 20;
// Time for the termination message to be acknowledged, and then the
// disconnect, before the link is dropped regardless.
const TERMINATION_ACK_MS = 1000;
/** At most this many frames are counted from one reference frame invalidation. */
const MAX_FRAMES_PER_REPORT = 1000n;

export interface ControlLinkEvents {
  onConnected(address: string): void;
  /** The client asked for a keyframe (0x0302). */
  onIdrRequest(): void;
  /** The client could not recover these frames (0x0301 reference frame invalidation; a count, capped). */
  onFramesLost(frames: number): void;
  onFecStatus(status: FecStatus): void;
  /** A client input packet (0x0206), decoded; malformed ones arrive as such, never as a throw. */
  onInput(event: InputEvent): void;
  onDisconnected(reason: EnetDisconnectReason): void;
}

export interface ControlLinkOptions {
  connectData: number;
  /** rikey. */
  key: Buffer;
  events: ControlLinkEvents;
  /** Silence from the client for this long ends the link. */
  timeoutMs: number;
}

export interface ControlLink {
  readonly address: string | null;
  /** ENet's round-trip estimate, ms; null before the first acknowledgement. */
  roundTripMs(): number | null;
  /** Sends the termination code, waits (bounded) for it to land, disconnects. */
  terminate(code: number): Promise<void>;
  /** Drops the link without a word (the stream already ended). */
  close(): void;
}

class Link implements ControlLink {
  address: string | null = null;
  private remote: RemoteInfo | null = null;
  private pendingFrom: RemoteInfo | null = null;
  private readonly cipher;
  readonly peer: EnetPeer;
  closed = false;
  private undecryptable = 0;

  constructor(
    private readonly o: ControlLinkOptions,
    private readonly socket: Socket,
    private readonly log: (line: string) => void,
    private readonly onClosed: (link: Link) => void,
  ) {
    this.cipher = createControlCipher(o.key);
    this.peer = createEnetPeer({
      now: () => performance.now(),
      send: (datagram) => this.send(datagram),
      acceptConnect: (data) => data === o.connectData,
      onConnected: () => o.events.onConnected(this.address ?? '?'),
      onReceive: (_channel, data) => this.onMessage(data),
      onDisconnect: (reason) => {
        this.close();
        o.events.onDisconnected(reason);
      },
      timeoutMs: o.timeoutMs,
    });
    this.peer.start();
  }

  private send(datagram: Buffer): void {
    const to = this.remote ?? this.pendingFrom;
    if (!to || this.closed) return;
    this.socket.send(datagram, to.port, to.address);
  }

  receive(datagram: Buffer, from: RemoteInfo): void {
    if (this.remote && (from.address !== this.remote.address || from.port !== this.remote.port)) return;
    this.pendingFrom = from;
    this.peer.receive(datagram);
    this.pendingFrom = null;
    if (!this.remote && this.peer.state.stage !== 'listening' && !this.closed) {
      this.remote = from;
      this.address =
        from.family === 'IPv6' ? `[${from.address}]:${from.port}` : `${from.address}:${from.port}`;
    }
  }

  private onMessage(packet: Buffer): void {
    let message: ClientControlMessage;
    try {
      message = this.cipher.open(packet);
    } catch (error) {
      if (error instanceof ControlMessageError && error.code === 'unknown-type') return;
      // Logged once: a client with the wrong key would otherwise flood the log.
      if (this.undecryptable++ === 0)
        this.log(`GameStream control: dropped a message (${(error as Error).message})`);
      return;
    }
    this.dispatch(message);
  }

  private dispatch(message: ClientControlMessage): void {
    if (message.kind === 'idr-request') this.o.events.onIdrRequest();
    else if (message.kind === 'invalidate-reference-frames') {
      const span = message.lastFrame - message.firstFrame + 1n;
      // A hostile range must not count as billions of frames.
      this.o.events.onFramesLost(
        span < 1n ? 1 : Number(span > MAX_FRAMES_PER_REPORT ? MAX_FRAMES_PER_REPORT : span),
      );
    } else if (message.kind === 'fec-status') this.o.events.onFecStatus(message.status);
    else if (message.kind === 'input') this.o.events.onInput(decodeInputPacket(message.payload));
    // Pings, start messages and stats: nothing for the stream to do.
  }

  roundTripMs(): number | null {
    return this.peer.state.roundTripMs;
  }

  service(): void {
    if (!this.closed) this.peer.service();
  }

  async terminate(code: number): Promise<void> {
    if (this.closed) return;
    // A stream can fail before the client's ENet handshake is done: give it the moment to finish, so it hears why.
    await this.until(() => this.peer.state.stage !== 'listening' && this.peer.state.stage !== 'verifying');
    if (this.peer.state.stage === 'connected') {
      this.peer.sendReliable(GENERIC_CHANNEL, this.cipher.seal({ kind: 'termination', code }));
      await this.until(() => this.peer.state.unacknowledged === 0);
      this.peer.disconnect();
      await this.until(() => this.peer.state.stage === 'disconnected');
    }
    this.close();
  }

  private async until(done: () => boolean): Promise<void> {
    const deadline = performance.now() + TERMINATION_ACK_MS;
    while (!done() && !this.closed && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peer.stop();
    this.cipher.stop();
    this.onClosed(this);
  }
}

export class GameStreamControlServer {
  private link: Link | null = null;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly log: (line: string) => void,
  ) {
    socket.on('message', (datagram, from) => this.link?.receive(datagram, from));
    socket.on('error', (error) => log(`GameStream control socket: ${error.message}`));
    this.timer = setInterval(() => this.link?.service(), SERVICE_INTERVAL_MS);
  }

  static listen(bind: string, port: number, log: (line: string) => void): Promise<GameStreamControlServer> {
    const socket = createSocket({ type: bind.includes(':') ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      socket.once('error', (error: NodeJS.ErrnoException) => {
        const why = error.code === 'EADDRINUSE' ? 'is in use' : `failed (${error.code ?? error.message})`;
        reject(new GameStreamListenError(`GameStream control ${bind}:${port}/udp ${why}`));
      });
      socket.bind(port, bind, () => {
        socket.removeAllListeners('error');
        resolve(new GameStreamControlServer(socket, socket.address().port, log));
      });
    });
  }

  /** Waits for the client of a new stream; a previous link is dropped. */
  expect(o: ControlLinkOptions): ControlLink {
    this.link?.close();
    const link = new Link(o, this.socket, this.log, (closed) => {
      if (this.link === closed) this.link = null;
    });
    this.link = link;
    return link;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.link?.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
