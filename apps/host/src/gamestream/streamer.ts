// The GameStream session lifecycle on the main thread. After the client's
// RTSP PLAY it starts the streaming worker (which binds the video and audio
// ports and waits for the client's pings) and expects the client on the
// control stream. It forwards IDR requests into the worker's control slot and
// turns FEC status reports and the ENet round trip into the feedback the
// worker puts in its samples. /cancel, a new launch or resume, or the host
// stopping ends the stream gracefully (termination 0x80030023); a client that
// went silent ends it from the worker's side, and the launch record stays so
// the client can resume.

import { type AnnouncedStream, TERMINATION_FRAME_FAILED, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import type { EngineConfig } from '../config/index.js';
import type { DesktopOpener } from '../desktop/desktop-opener.js';
import type { OpenedDesktop } from '../desktop/desktop-source.js';
import { InputRouter } from '../input/input-router.js';
import type { EncoderSlow, SessionManager, StreamingSession } from '../streaming/core/session-manager.js';
import type { CodecFallbacks } from './codec-fallback.js';
import type { ControlLink, GameStreamControlServer } from './control-stream.js';
import type { GameStreamSession, GameStreamSessions } from './sessions.js';
import { FecTally, gameStreamSpec } from './spec.js';

export interface StreamerOptions {
  sessions: GameStreamSessions;
  manager: SessionManager;
  control: GameStreamControlServer;
  engine: EngineConfig;
  /** Opens each stream's desktop (the picture and where input goes). */
  desktops: Pick<DesktopOpener, 'open'>;
  bind: string;
  ports: { video: number; audio: number };
  /** Parity per FEC block, % of its data packets (at least the client's minimum). */
  fecPercent: number;
  /** Aggregation window of the GameStream samples. */
  windowMs: number;
  /** A client silent for this long (no pings) is gone. */
  clientTimeoutMs: number;
  /** Where a codec that cannot keep up with a mode is taken out of the offer. */
  codecFallbacks: CodecFallbacks;
  log(line: string): void;
}

interface ActiveStream {
  launchId: string;
  pingPayload: string;
  /** null while the desktop opens (a portal may wait for approval). */
  stream: StreamingSession | null;
  desktop: OpenedDesktop | null;
  link: ControlLink;
  /** The client's mouse, keyboard and gamepads, into the desktop; null while it opens. */
  input: InputRouter | null;
  fec: { tally: FecTally; reported: boolean };
  feedbackTimer: NodeJS.Timeout | null;
  ending: Promise<void> | null;
}

/** How often FEC reports and the round trip are handed to the worker. */
const FEEDBACK_INTERVAL_MS = 250;

export class GameStreamStreamer {
  private active: ActiveStream | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: StreamerOptions) {
    this.unsubscribe = o.sessions.onChange((session) => this.onSessionChange(session));
  }

  /** The running stream's session, for /serverinfo's busy state and the console. */
  streaming(): StreamingSession | null {
    return this.active?.stream ?? null;
  }

  private onSessionChange(session: GameStreamSession | null): void {
    const active = this.active;
    if (
      active &&
      (session?.sessionId !== active.launchId || session.stream.pingPayload !== active.pingPayload)
    ) {
      void this.end(active, session ? 'a new handshake replaced the stream' : 'the session was cancelled');
    }
    if (session?.stream.playing && session.stream.announced && !this.active) this.begin(session);
  }

  /**
   * Expects the client's control stream at once (it connects right after
   * PLAY), then opens the desktop. The stream is `active` from here on, so a
   * cancel or a new handshake during the opening ends it like a running one
   * and the opened desktop is closed again.
   */
  private begin(session: GameStreamSession): void {
    const announced = session.stream.announced;
    if (!announced) return;
    const state: Omit<ActiveStream, 'link'> = {
      launchId: session.sessionId,
      pingPayload: session.stream.pingPayload,
      stream: null,
      desktop: null,
      input: null,
      fec: { tally: new FecTally(), reported: false },
      feedbackTimer: null,
      ending: null,
    };
    const current: ActiveStream = Object.assign(state, { link: this.expectControl(session, state) });
    this.active = current;
    void this.openDesktop(session, announced, current);
  }

  private async openDesktop(
    session: GameStreamSession,
    announced: AnnouncedStream,
    current: ActiveStream,
  ): Promise<void> {
    let desktop: OpenedDesktop;
    try {
      desktop = await this.o.desktops.open();
    } catch (error) {
      this.failOpening(current, (error as Error).message);
      return;
    }
    if (current.ending) {
      // Cancelled or replaced while the desktop opened.
      await desktop.close();
      return;
    }
    current.desktop = desktop;
    this.startStream(session, announced, current, desktop);
  }

  /** The desktop could not be opened: the client hears it as a failed stream (as a capture failing does); the launch stays. */
  private failOpening(current: ActiveStream, why: string): void {
    this.o.log(`GameStream: the desktop could not be opened: ${why}`);
    current.ending ??= (async () => {
      if (this.active === current) this.active = null;
      await current.link.terminate(TERMINATION_FRAME_FAILED);
    })();
  }

  private startStream(
    session: GameStreamSession,
    announced: AnnouncedStream,
    current: ActiveStream,
    desktop: OpenedDesktop,
  ): void {
    const spec = gameStreamSpec({ session, announced, capture: desktop, ...this.o });
    current.fec.reported = spec.promisesFecReports;
    const stream = this.o.manager.startGameStream({
      ...spec.start,
      onClient: (address) => this.o.log(`GameStream: streaming to ${address}`),
      onEncoderSlow: (slow) => this.onEncoderSlow(announced, slow),
    });
    current.stream = stream;
    // Absolute pointer positions are relative to the stream's frame (the client's mode).
    current.input = new InputRouter({
      target: desktop.input,
      stream: { width: announced.width, height: announced.height },
      log: this.o.log,
    });
    const { fec, link } = current;
    current.feedbackTimer = setInterval(() => {
      if (fec.reported) stream.feedback({ type: 'loss', ...fec.tally.take() });
      const rttMs = link.roundTripMs();
      if (rttMs !== null) stream.feedback({ type: 'rtt', rttUs: Math.round(rttMs * 1000) });
    }, FEEDBACK_INTERVAL_MS);
    this.o.log(
      `GameStream: stream ${stream.sessionId} starting, ${announced.width}x${announced.height}@${announced.fps} ` +
        `${announced.codec} from ${desktop.description}, waiting for the client's pings on ${this.o.ports.video}/udp`,
    );
    void stream.ended.then((end) => this.onStreamEnded(current, end));
    void desktop.closedByDesktop.then((reason) => {
      if (this.active === current && !current.ending)
        void this.end(current, reason, TERMINATION_FRAME_FAILED);
    });
  }

  /**
   * The encoder cannot hold the mode: said in the log and in the session's
   * settings (the console shows them), and a later launch of this mode is
   * offered H.264 only. The running stream goes on as it is.
   */
  private onEncoderSlow(announced: AnnouncedStream, slow: EncoderSlow): void {
    const mode = `${announced.width}x${announced.height}@${announced.fps}`;
    const figures = `${(slow.encodeP50Us / 1000).toFixed(1)} ms a frame against a ${(slow.budgetUs / 1000).toFixed(1)} ms budget over ${slow.frames} frames`;
    if (announced.codec === 'h264') {
      this.o.log(
        `GameStream: H.264 cannot keep up with ${mode} here (${figures}); there is no cheaper codec to offer`,
      );
      this.active?.stream?.noteSettings({ encoderPace: `too slow for ${mode}: ${figures}` });
      return;
    }
    this.o.codecFallbacks.demote(announced.codec, announced);
    const note = `${announced.codec.toUpperCase()} cannot keep up with ${mode} (${figures}); H.264 is offered for ${mode} from the next launch`;
    this.o.log(`GameStream: ${note}`);
    this.active?.stream?.noteSettings({ encoderPace: note });
  }

  /** The control stream link of a starting stream: IDR requests, FEC reports and input go to the stream. */
  private expectControl(session: GameStreamSession, current: Omit<ActiveStream, 'link'>): ControlLink {
    return this.o.control.expect({
      connectData: session.stream.controlConnectData,
      key: session.rikey,
      timeoutMs: this.o.clientTimeoutMs,
      events: {
        onConnected: (address) => this.o.log(`GameStream control: client connected from ${address}`),
        onIdrRequest: () => current.stream?.requestIdr(),
        onFecStatus: (status) => {
          current.fec.reported = true;
          current.fec.tally.add(status);
        },
        onInput: (event) => current.input?.handle(event),
        onDisconnected: (reason) => {
          this.o.log(`GameStream control: link ended (${reason})`);
          // The client left (or went silent): stop streaming now; the launch record stays for a resume.
          const active = this.active;
          if (active && active === current) {
            void this.end(active, `the client's control stream ended (${reason})`, null);
          }
        },
      },
    });
  }

  private onStreamEnded(current: ActiveStream, end: Awaited<StreamingSession['ended']>): void {
    if (current.feedbackTimer) clearInterval(current.feedbackTimer);
    if (end.error) this.o.log(`GameStream: stream ${end.sessionId} failed: ${end.error}`);
    else if (end.reason) this.o.log(`GameStream: stream ${end.sessionId} ended: ${end.reason}`);
    // A failed worker (capture or encoder) is told to the client as such, not left to its timeout.
    if (!current.ending && end.error) void current.link.terminate(TERMINATION_FRAME_FAILED);
    else if (!current.ending) current.link.close();
    // Nothing stays pressed, no pad lingers once the stream is over.
    current.input?.close();
    void current.desktop?.close();
    if (this.active === current) this.active = null;
  }

  /** `termination`: what the client is told first (null: nothing, the client already left). */
  private end(
    active: ActiveStream,
    why: string,
    termination: number | null = TERMINATION_GRACEFUL,
  ): Promise<void> {
    active.ending ??= (async () => {
      const which = active.stream
        ? `stream ${active.stream.sessionId}`
        : 'the stream (its desktop was opening)';
      this.o.log(`GameStream: ending ${which} (${why})`);
      if (this.active === active) this.active = null;
      active.input?.close();
      const farewell =
        termination !== null ? active.link.terminate(termination) : Promise.resolve(active.link.close());
      await Promise.all([farewell, active.stream?.stop()]);
      await active.desktop?.close();
    })();
    return active.ending;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    if (this.active) await this.end(this.active, 'the host is stopping');
  }
}
