// The launch records: what each GameStream client asked for in /launch or
// /resume (app, mode, the stream key and key id), one record per client
// (its certificate fingerprint), each in a slot of its own: slot 0 streams on
// the configured ports, further slots on ports of their own (session-slots.ts).
// The streaming part of a slot picks its record up when the client connects
// over RTSP; /cancel ends it. The RTSP handshake adds what it negotiated
// (`stream`): the ping payload and ENet connect data it handed out, the
// client's ANNOUNCE settings, and whether PLAY arrived.
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
  /** Which of the service's port sets (0: the configured ports) this session streams on. */
  slot: number;
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

export type LaunchInput = Omit<GameStreamSession, 'sessionId' | 'startedUnixMs' | 'stream' | 'slot'>;
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

/** What one slot's RTSP lane and streamer see: the record in that slot only. */
export interface SlotSessions {
  readonly slot: number;
  current(): GameStreamSession | null;
  updateStream(
    sessionId: string,
    patch: Partial<Pick<GameStreamNegotiation, 'announced' | 'playing'>>,
  ): boolean;
  cancel(sessionId?: string): boolean;
  onChange(listener: (session: GameStreamSession | null) => void): () => void;
}

type Listener = (slot: number, session: GameStreamSession | null) => void;

export class GameStreamSessions {
  private readonly bySlot = new Map<number, GameStreamSession>();
  private readonly listeners = new Set<Listener>();

  /** `slots`: how many records may exist at once (PUNKTFUNK_MAX_SESSIONS). */
  constructor(
    readonly slots: number,
    private readonly nowUnixMs: () => number = Date.now,
  ) {}

  all(): GameStreamSession[] {
    return [...this.bySlot.values()];
  }

  count(): number {
    return this.bySlot.size;
  }

  /** The record of the client with this certificate fingerprint. */
  forClient(fingerprint: string): GameStreamSession | null {
    return this.all().find((s) => s.clientFingerprint === fingerprint) ?? null;
  }

  byId(sessionId: string): GameStreamSession | null {
    return this.all().find((s) => s.sessionId === sessionId) ?? null;
  }

  inSlot(slot: number): GameStreamSession | null {
    return this.bySlot.get(slot) ?? null;
  }

  /**
   * Starts the client's session in the lowest free slot; null when this
   * client has one already (it should resume or quit it) or every slot is taken.
   */
  launch(input: LaunchInput): GameStreamSession | null {
    if (this.forClient(input.clientFingerprint)) return null;
    const slot = [...Array(this.slots).keys()].find((n) => !this.bySlot.has(n));
    if (slot === undefined) return null;
    const session: GameStreamSession = {
      ...input,
      sessionId: randomUUID(),
      startedUnixMs: this.nowUnixMs(),
      slot,
      stream: newNegotiation(),
    };
    this.set(slot, session);
    return session;
  }

  /** The client reconnects to its session, with a fresh key; null when it has none. */
  resume(fingerprint: string, input: ResumeInput): GameStreamSession | null {
    const running = this.forClient(fingerprint);
    if (!running) return null;
    const session = { ...running, ...input, stream: newNegotiation() };
    this.set(running.slot, session);
    return session;
  }

  /** Records what the RTSP handshake negotiated; false when `sessionId` no longer runs. */
  updateStream(
    sessionId: string,
    patch: Partial<Pick<GameStreamNegotiation, 'announced' | 'playing'>>,
  ): boolean {
    const running = this.byId(sessionId);
    if (!running) return false;
    this.set(running.slot, { ...running, stream: { ...running.stream, ...patch } });
    return true;
  }

  /** Ends that session; false when it no longer ran. */
  cancel(sessionId: string): boolean {
    const running = this.byId(sessionId);
    if (!running) return false;
    this.bySlot.delete(running.slot);
    this.emit(running.slot, null);
    return true;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The view of one slot, for that slot's RTSP lane and streamer. */
  slot(slot: number): SlotSessions {
    return {
      slot,
      current: () => this.inSlot(slot),
      updateStream: (sessionId, patch) =>
        this.inSlot(slot)?.sessionId === sessionId && this.updateStream(sessionId, patch),
      cancel: (sessionId) => {
        const running = this.inSlot(slot);
        if (!running || (sessionId !== undefined && running.sessionId !== sessionId)) return false;
        return this.cancel(running.sessionId);
      },
      onChange: (listener) =>
        this.onChange((changed, session) => {
          if (changed === slot) listener(session);
        }),
    };
  }

  private set(slot: number, session: GameStreamSession): void {
    this.bySlot.set(slot, session);
    this.emit(slot, session);
  }

  private emit(slot: number, session: GameStreamSession | null): void {
    for (const listener of [...this.listeners]) listener(slot, session);
  }
}
