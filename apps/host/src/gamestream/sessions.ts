// The launch record: what a GameStream client asked for in /launch or
// /resume (app, mode, the stream key and key id). The streaming part picks
// the current record up when the client connects over RTSP; /cancel ends it.
// GameStream hosts serve one session at a time. The RTSP handshake adds what
// it negotiated (`stream`): the ping payload and ENet connect data it handed
// out, the client's ANNOUNCE settings, and whether PLAY arrived.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AnnouncedStream } from '@punktfunk/protocol';

export interface GameStreamSession {
  sessionId: string;
  appId: number;
  appTitle: string;
  width: number;
  height: number;
  fps: number;
  /** AES-128 key of every stream (rikey). */
  rikey: Buffer;
  /** rikeyid as uint32: the base of the audio IV. */
  rikeyId: number;
  surroundAudioInfo: number | null;
  localAudioPlayMode: boolean;
  clientUniqueId: string;
  /** SHA-256 of the certificate the launch came with. */
  clientFingerprint: string;
  /** How recordings and logs name the client: the operator's name for it and its short fingerprint. */
  clientLabel: string;
  clientAddress: string;
  startedUnixMs: number;
  stream: GameStreamNegotiation;
}

export interface GameStreamNegotiation {
  /** 16 characters the client puts in its video and audio pings (X-SS-Ping-Payload). */
  pingPayload: string;
  /** uint32 the client presents as ENet connect data on the control stream (X-SS-Connect-Data). */
  controlConnectData: number;
  /** The client's ANNOUNCE, once it came. */
  announced: AnnouncedStream | null;
  /** PLAY arrived: the client now expects the streams. */
  playing: boolean;
}

/** Fresh per launch and per resume: a new key means a new handshake. */
function newNegotiation(): GameStreamNegotiation {
  return {
    pingPayload: randomBytes(8).toString('hex'),
    controlConnectData: randomBytes(4).readUInt32BE(0),
    announced: null,
    playing: false,
  };
}

export type LaunchInput = Omit<GameStreamSession, 'sessionId' | 'startedUnixMs' | 'stream'>;
export type ResumeInput = Pick<
  GameStreamSession,
  | 'width'
  | 'height'
  | 'fps'
  | 'rikey'
  | 'rikeyId'
  | 'surroundAudioInfo'
  | 'localAudioPlayMode'
  | 'clientAddress'
  | 'clientLabel'
>;

export class GameStreamSessions {
  private session: GameStreamSession | null = null;
  private readonly listeners = new Set<(session: GameStreamSession | null) => void>();

  constructor(private readonly nowUnixMs: () => number = Date.now) {}

  current(): GameStreamSession | null {
    return this.session;
  }

  /** Starts a session; null when one runs already (the client should resume or quit it). */
  launch(input: LaunchInput): GameStreamSession | null {
    if (this.session) return null;
    this.session = {
      ...input,
      sessionId: randomUUID(),
      startedUnixMs: this.nowUnixMs(),
      stream: newNegotiation(),
    };
    this.emit();
    return this.session;
  }

  /** A client reconnects to the running session, with a fresh key; null when none runs. */
  resume(input: ResumeInput): GameStreamSession | null {
    if (!this.session) return null;
    this.session = { ...this.session, ...input, stream: newNegotiation() };
    this.emit();
    return this.session;
  }

  /** Records what the RTSP handshake negotiated; false when `sessionId` is no longer the running session. */
  updateStream(
    sessionId: string,
    patch: Partial<Pick<GameStreamNegotiation, 'announced' | 'playing'>>,
  ): boolean {
    if (this.session?.sessionId !== sessionId) return false;
    this.session = { ...this.session, stream: { ...this.session.stream, ...patch } };
    this.emit();
    return true;
  }

  /** Ends the session (only `sessionId` when given); false when none (or another) ran. */
  cancel(sessionId?: string): boolean {
    if (!this.session || (sessionId !== undefined && this.session.sessionId !== sessionId)) return false;
    this.session = null;
    this.emit();
    return true;
  }

  onChange(listener: (session: GameStreamSession | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.session);
  }
}
