// The launch record: what a GameStream client asked for in /launch or
// /resume (app, mode, the stream key and key id). The streaming part picks
// the current record up when the client connects over RTSP; /cancel ends it.
// GameStream hosts serve one session at a time.
import { randomUUID } from 'node:crypto';

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
  clientAddress: string;
  startedUnixMs: number;
}

export type LaunchInput = Omit<GameStreamSession, 'sessionId' | 'startedUnixMs'>;
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
    this.session = { ...input, sessionId: randomUUID(), startedUnixMs: this.nowUnixMs() };
    this.emit();
    return this.session;
  }

  /** A client reconnects to the running session, with a fresh key; null when none runs. */
  resume(input: ResumeInput): GameStreamSession | null {
    if (!this.session) return null;
    this.session = { ...this.session, ...input };
    this.emit();
    return this.session;
  }

  /** Ends the session; false when none ran. */
  cancel(): boolean {
    if (!this.session) return false;
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
