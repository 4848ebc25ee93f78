// The GameStream session lifecycle on the main thread. After the client's
// RTSP PLAY it starts the streaming worker (which binds the video and audio
// ports and waits for the client's pings) and expects the client on the
// control stream. It forwards IDR requests into the worker's control slot and
// turns FEC status reports and the ENet round trip into the feedback the
// worker puts in its samples. /cancel, a new launch or resume, or the host
// stopping ends the stream gracefully (termination 0x80030023); a client that
// went silent ends it from the worker's side, and the launch record stays so
// the client can resume.

import { TERMINATION_FRAME_FAILED, TERMINATION_GRACEFUL } from '@punktfunk/protocol';
import type { DesktopConfig, EngineConfig } from '../config/index.js';
import { resolveCapture } from '../desktop/desktop-source.js';
import { InputRouter } from '../input/input-router.js';
import type { SessionManager, StreamingSession } from '../streaming/core/session-manager.js';
import type { ControlLink, GameStreamControlServer } from './control-stream.js';
import type { GameStreamSession, GameStreamSessions } from './sessions.js';
import { FecTally, gameStreamSpec } from './spec.js';

export interface StreamerOptions {
  sessions: GameStreamSessions;
  manager: SessionManager;
  control: GameStreamControlServer;
  engine: EngineConfig;
  /** The picture: the X display or the synthetic pattern, decided per stream. */
  desktop: DesktopConfig;
  bind: string;
  ports: { video: number; audio: number };
  /** Parity per FEC block, % of its data packets (at least the client's minimum). */
  fecPercent: number;
  /** Aggregation window of the GameStream samples. */
  windowMs: number;
  /** A client silent for this long (no pings) is gone. */
  clientTimeoutMs: number;
  log(line: string): void;
}

interface ActiveStream {
  launchId: string;
  pingPayload: string;
  stream: StreamingSession;
  link: ControlLink;
  /** The client's mouse, keyboard and gamepads, into the desktop. */
  input: InputRouter;
  feedbackTimer: NodeJS.Timeout;
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

  private begin(session: GameStreamSession): void {
    const announced = session.stream.announced;
    if (!announced) return;
    const capture = resolveCapture(this.o.desktop);
    const spec = gameStreamSpec({ session, announced, capture, ...this.o });
    const stream = this.o.manager.startGameStream({
      ...spec.start,
      onClient: (address) => this.o.log(`GameStream: streaming to ${address}`),
    });
    // Absolute pointer positions are relative to the stream's frame (the client's mode).
    const input = new InputRouter({
      // Until the capture decides it (Wayland backends), input follows the configured X display.
      target: this.o.desktop.display
        ? { kind: 'x11', display: this.o.desktop.display }
        : { kind: 'none', reason: 'no X display is configured (PUNKTFUNK_DISPLAY or DISPLAY)' },
      stream: { width: announced.width, height: announced.height },
      log: this.o.log,
    });
    const fec = { tally: new FecTally(), reported: spec.promisesFecReports };
    const link = this.expectControl(session, stream, input, fec);
    const feedbackTimer = setInterval(() => {
      if (fec.reported) stream.feedback({ type: 'loss', ...fec.tally.take() });
      const rttMs = link.roundTripMs();
      if (rttMs !== null) stream.feedback({ type: 'rtt', rttUs: Math.round(rttMs * 1000) });
    }, FEEDBACK_INTERVAL_MS);
    const current: ActiveStream = {
      launchId: session.sessionId,
      pingPayload: session.stream.pingPayload,
      stream,
      link,
      input,
      feedbackTimer,
      ending: null,
    };
    this.active = current;
    this.o.log(
      `GameStream: stream ${stream.sessionId} starting, ${announced.width}x${announced.height}@${announced.fps} ` +
        `${announced.codec} from ${capture.description}, waiting for the client's pings on ${this.o.ports.video}/udp`,
    );
    void stream.ended.then((end) => this.onStreamEnded(current, end));
  }

  /** The control stream link of a starting stream: IDR requests, FEC reports and input go to the stream. */
  private expectControl(
    session: GameStreamSession,
    stream: StreamingSession,
    input: InputRouter,
    fec: { tally: FecTally; reported: boolean },
  ): ControlLink {
    return this.o.control.expect({
      connectData: session.stream.controlConnectData,
      key: session.rikey,
      timeoutMs: this.o.clientTimeoutMs,
      events: {
        onConnected: (address) => this.o.log(`GameStream control: client connected from ${address}`),
        onIdrRequest: () => stream.requestIdr(),
        onFecStatus: (status) => {
          fec.reported = true;
          fec.tally.add(status);
        },
        onInput: (event) => input.handle(event),
        onDisconnected: (reason) => {
          this.o.log(`GameStream control: link ended (${reason})`);
          // The client left (or went silent): stop streaming now; the launch record stays for a resume.
          const active = this.active;
          if (active && active.stream === stream) {
            void this.end(active, `the client's control stream ended (${reason})`, false);
          }
        },
      },
    });
  }

  private onStreamEnded(current: ActiveStream, end: Awaited<StreamingSession['ended']>): void {
    clearInterval(current.feedbackTimer);
    if (end.error) this.o.log(`GameStream: stream ${end.sessionId} failed: ${end.error}`);
    else if (end.reason) this.o.log(`GameStream: stream ${end.sessionId} ended: ${end.reason}`);
    // A failed worker (capture or encoder) is told to the client as such, not left to its timeout.
    if (!current.ending && end.error) void current.link.terminate(TERMINATION_FRAME_FAILED);
    else if (!current.ending) current.link.close();
    // Nothing stays pressed, no pad lingers once the stream is over.
    current.input.close();
    if (this.active === current) this.active = null;
  }

  /** `tellClient`: send the graceful termination first (not when the client already left). */
  private end(active: ActiveStream, why: string, tellClient = true): Promise<void> {
    active.ending ??= (async () => {
      this.o.log(`GameStream: ending stream ${active.stream.sessionId} (${why})`);
      if (this.active === active) this.active = null;
      active.input.close();
      const farewell = tellClient
        ? active.link.terminate(TERMINATION_GRACEFUL)
        : Promise.resolve(active.link.close());
      await Promise.all([farewell, active.stream.stop()]);
    })();
    return active.ending;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    if (this.active) await this.end(this.active, 'the host is stopping');
  }
}
