// The GameStream session lifecycle on the main thread. After the client's
// RTSP PLAY it starts the streaming worker (which binds the video and audio
// ports and waits for the client's pings) and expects the client on the
// control stream. It forwards IDR requests into the worker's control slot and
// turns FEC status reports and the ENet round trip into the feedback the
// worker puts in its samples. /cancel, a new launch or resume, or the host
// stopping ends the stream gracefully (termination 0x80030023); a client that
// went silent ends it from the worker's side, and the launch record stays so
// the client can resume. One streamer per session slot (session-slots.ts):
// it sees only its slot's launch record. A virtual display (the app's
// `display`) is opened at the first stream of a launch, at the ANNOUNCEd
// mode, and kept for the launch record's life; the desktop is opened per
// stream, as before.

import {
  type AnnouncedStream,
  type EnetDisconnectReason,
  TERMINATION_FRAME_FAILED,
  TERMINATION_GRACEFUL,
} from '@punktfunk/protocol';
import type { EngineConfig, StreamCaps } from '../config/index.js';
import type { DesktopOpener } from '../desktop/desktop-opener.js';
import type { OpenedDesktop } from '../desktop/desktop-source.js';
import { sessionDisplayInfo } from '../desktop/display-info.js';
import type { SessionDisplayRequest } from '../desktop/virtual/virtual-display.js';
import { InputRouter } from '../input/input-router.js';
import type { PingSource } from '../streaming/core/messages.js';
import type { EncoderSlow, SessionManager, StreamingSession } from '../streaming/core/session-manager.js';
import { overStreamCaps } from '../streaming/core/stream-caps.js';
import type { CodecFallbacks } from './codec-fallback.js';
import type { ControlLink, GameStreamControlServer } from './control-stream.js';
import type { GameStreamSession, SlotSessions } from './sessions.js';
import { ClientReportTally, describeStreamEncryption, FecTally, gameStreamSpec } from './spec.js';
import { PingListener } from './stream-ports.js';

export interface StreamerOptions {
  /** This slot's launch record. */
  sessions: SlotSessions;
  manager: SessionManager;
  control: GameStreamControlServer;
  engine: EngineConfig;
  /** What a stream may cost, with the other sessions running. */
  streamCaps: StreamCaps;
  /** Opens each stream's desktop (the picture and where input goes). */
  desktops: Pick<DesktopOpener, 'open'>;
  /** What display a stream of this launch asks for (the app's `display`, at the ANNOUNCEd mode when virtual). */
  displayRequestFor(session: GameStreamSession, announced: AnnouncedStream): SessionDisplayRequest;
  /** A launch's virtual display is open: its app starts now, on it; a rejection ends the launch. */
  onDisplayOpened?(session: GameStreamSession, desktop: OpenedDesktop): Promise<void>;
  bind: string;
  ports: { video: number; audio: number };
  /** Parity per FEC block, % of its data packets (at least the client's minimum). */
  fecPercent: number;
  /** Aggregation window of the GameStream samples. */
  windowMs: number;
  /** A client silent for this long (no pings) is gone. */
  clientTimeoutMs: number;
  /** How the log names the client with this certificate fingerprint. */
  describeClient(fingerprint: string): string;
  /** ServerCodecModeSupport as offered (which codecs have 4:4:4). */
  codecModeSupport: number;
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
  /** The launch record holds the desktop (a virtual display): the stream's end leaves it open. */
  launchHeld: boolean;
  link: ControlLink;
  /** The client's mouse, keyboard and gamepads, into the desktop; null while it opens. */
  input: InputRouter | null;
  fec: { tally: FecTally; reported: boolean };
  /** The client's IDR requests and unrecoverable frames, per feedback interval and in total. */
  reports: ClientReportTally;
  feedbackTimer: NodeJS.Timeout | null;
  ending: Promise<void> | null;
  /** Why the host ended it (logged as "ending …"), so the stream's end does not say it twice. */
  endingWhy?: string;
}

/** How often FEC reports and the round trip are handed to the worker. */
const FEEDBACK_INTERVAL_MS = 250;

/** Why the control stream ended, as the log says it. */
const CONTROL_ENDED: Record<EnetDisconnectReason, string> = {
  client: 'the client disconnected its control stream',
  timeout: 'the client went silent on its control stream',
  host: 'the host closed the control stream',
  overflow: "the client left too many of the host's control messages unacknowledged",
};

type MediaKind = 'video' | 'audio';
type PingSources = Record<MediaKind, PingSource | null>;

/** The stream ports of one handshake (a launch or resume: its ping payload), bound from SETUP on. */
interface HandshakePorts {
  handshake: string;
  listeners: Partial<Record<MediaKind, Promise<PingListener>>>;
}

const handshakeOf = (session: GameStreamSession) => `${session.sessionId}/${session.stream.pingPayload}`;

async function releasePorts(ports: HandshakePorts | null): Promise<PingSources> {
  const release = async (listener: Promise<PingListener> | undefined) =>
    listener ? ((await listener.catch(() => null))?.release() ?? null) : null;
  const [video, audio] = await Promise.all([
    release(ports?.listeners.video),
    release(ports?.listeners.audio),
  ]);
  return { video, audio };
}

/** A launch's virtual display, open from its first stream until the launch record ends. */
interface LaunchDisplay {
  launchId: string;
  opening: Promise<OpenedDesktop>;
}

export class GameStreamStreamer {
  private active: ActiveStream | null = null;
  private launchDisplay: LaunchDisplay | null = null;
  /** Streams this streamer started that have not ended (a replaced one may still be stopping). */
  private readonly ownStreams = new Set<StreamingSession>();
  /** Ends in progress, awaited by close(). */
  private readonly endings = new Set<Promise<void>>();
  private ports: HandshakePorts | null = null;
  /** The launch that streamed last: streaming it again is a resume. */
  private lastStreamedLaunch: string | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: StreamerOptions) {
    this.unsubscribe = o.sessions.onChange((session) => this.onSessionChange(session));
  }

  /** The running stream's session, for /serverinfo's busy state and the console. */
  streaming(): StreamingSession | null {
    return this.active?.stream ?? null;
  }

  /** What the other sessions stream (pixels/s): this slot's own streams are being replaced by a new handshake. */
  otherPixelRate(): number {
    let sum = 0;
    for (const session of this.o.manager.list()) if (!this.ownStreams.has(session)) sum += session.pixelRate;
    return sum;
  }

  /**
   * RTSP SETUP of the video or audio stream: its port is bound now (resolves
   * once it is), so the client's first ping is heard even though the worker
   * starts only after PLAY.
   */
  async openStreamPort(kind: MediaKind, session: GameStreamSession): Promise<void> {
    const handshake = handshakeOf(session);
    if (this.ports?.handshake !== handshake) {
      void releasePorts(this.ports);
      this.ports = { handshake, listeners: {} };
    }
    const { listeners } = this.ports;
    listeners[kind] ??= PingListener.open(this.o.bind, this.o.ports[kind], session.stream.pingPayload);
    await listeners[kind];
  }

  /**
   * Once the client's first video ping arrived on the port held since SETUP:
   * frees both ports and tells the worker (already started, waiting) where
   * the pings came from, so it binds them and streams at once.
   */
  private async handOverPorts(session: GameStreamSession, stream: StreamingSession): Promise<void> {
    const ports = this.ports?.handshake === handshakeOf(session) ? this.ports : null;
    const video = await ports?.listeners.video?.catch(() => null);
    const ended = stream.ended.then(() => 'ended' as const);
    if (video && (await Promise.race([video.firstPing.then(() => 'pinged' as const), ended])) === 'ended')
      return;
    // Still this handshake's ports (a cancel or resume meanwhile released them itself).
    if (ports && this.ports !== ports) return;
    this.ports = null;
    stream.feedback({ type: 'stream-ports', ...(await releasePorts(ports)) });
  }

  private onSessionChange(session: GameStreamSession | null): void {
    if (this.ports && (session === null || handshakeOf(session) !== this.ports.handshake)) {
      void releasePorts(this.ports);
      this.ports = null;
    }
    const active = this.active;
    if (
      active &&
      (session?.sessionId !== active.launchId || session.stream.pingPayload !== active.pingPayload)
    ) {
      void this.end(active, session ? 'a new handshake replaced the stream' : 'the session was cancelled');
    }
    // The launch ended: its display goes once the stream on it has stopped.
    if (this.launchDisplay && session?.sessionId !== this.launchDisplay.launchId) {
      const held = this.launchDisplay;
      this.launchDisplay = null;
      const closing = Promise.all([...this.endings]).then(() => this.closeLaunchDisplay(held));
      this.endings.add(closing);
      void closing.finally(() => this.endings.delete(closing));
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
      launchHeld: false,
      input: null,
      fec: { tally: new FecTally(), reported: false },
      reports: new ClientReportTally(),
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
    // Checked at ANNOUNCE; again here, as another session may have started since.
    const over = overStreamCaps(announced, this.o.streamCaps, this.otherPixelRate());
    if (over) {
      this.failOpening(current, `the stream cannot start: ${over}`);
      return;
    }
    const request = this.o.displayRequestFor(session, announced);
    let desktop: OpenedDesktop;
    try {
      desktop =
        request.mode === 'virtual'
          ? await this.openLaunchDisplay(session, request)
          : await this.o.desktops.open(request);
    } catch (error) {
      const why = (error as Error).message;
      // A launch whose display (or its app on it) could not start ends: the client hears a failed stream first.
      if (request.mode === 'virtual') {
        this.failOpening(current, why);
        this.o.sessions.cancel(session.sessionId);
      } else this.failOpening(current, `the desktop could not be opened: ${why}`);
      return;
    }
    current.launchHeld = request.mode === 'virtual';
    if (current.ending) {
      // Cancelled or replaced while the desktop opened (a launch's display stays with its record).
      if (!current.launchHeld) await desktop.close();
      return;
    }
    current.desktop = desktop;
    this.startStream(session, announced, current, desktop);
  }

  /**
   * The launch's virtual display: opened at its first stream (then its app
   * starts on it), the same one for every later stream of the launch. A
   * resume at another mode streams it scaled (the app keeps its display).
   */
  private openLaunchDisplay(
    session: GameStreamSession,
    request: Extract<SessionDisplayRequest, { mode: 'virtual' }>,
  ): Promise<OpenedDesktop> {
    if (this.launchDisplay?.launchId === session.sessionId) return this.launchDisplay.opening;
    const opening = (async () => {
      const desktop = await this.o.desktops.open(request).catch((error: Error) => {
        throw new Error(`the virtual display could not be opened: ${error.message}`);
      });
      this.o.log(
        `GameStream: ${session.clientLabel} has its display ${sessionDisplayInfo(desktop).description} ` +
          `(${request.width}x${request.height}@${request.fps}) for ${session.appTitle}`,
      );
      try {
        await this.o.onDisplayOpened?.(session, desktop);
      } catch (error) {
        await desktop.close();
        throw error;
      }
      return desktop;
    })();
    const held: LaunchDisplay = { launchId: session.sessionId, opening };
    this.launchDisplay = held;
    opening.catch(() => {
      if (this.launchDisplay === held) this.launchDisplay = null;
    });
    return opening;
  }

  /** The launch record ended (or the host stops): its virtual display is removed. */
  private closeLaunchDisplay(held = this.launchDisplay): Promise<void> {
    if (this.launchDisplay === held) this.launchDisplay = null;
    if (!held) return Promise.resolve();
    return held.opening.then(
      (desktop) => desktop.close(),
      () => {},
    );
  }

  /** The stream could not start (no desktop, no room): the client hears it as a failed stream (as a capture failing does); the launch stays. */
  private failOpening(current: ActiveStream, why: string): void {
    this.o.log(`GameStream: ${why}`);
    void releasePorts(this.ports);
    this.ports = null;
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
    const who = this.o.describeClient(session.clientFingerprint);
    const resumed = this.lastStreamedLaunch === session.sessionId;
    this.lastStreamedLaunch = session.sessionId;
    const stream = this.o.manager.startGameStream({
      ...spec.start,
      display: sessionDisplayInfo(desktop),
      resumed,
      onClient: (address) => this.o.log(`GameStream: streaming to ${who} at ${address}`),
      onEncoderSlow: (slow) => this.onEncoderSlow(announced, slow),
    });
    current.stream = stream;
    this.ownStreams.add(stream);
    void stream.ended.then(() => this.ownStreams.delete(stream));
    void this.handOverPorts(session, stream);
    // Absolute pointer positions are relative to the stream's frame (the client's mode).
    current.input = new InputRouter({
      target: desktop.input,
      stream: { width: announced.width, height: announced.height },
      log: this.o.log,
    });
    const { fec, link, reports } = current;
    current.feedbackTimer = setInterval(() => {
      if (fec.reported) stream.feedback({ type: 'loss', ...fec.tally.take() });
      // The control stream sees every request: none is 0, not "not measured".
      stream.feedback({ type: 'client-reports', ...reports.take() });
      const rttMs = link.roundTripMs();
      if (rttMs !== null) stream.feedback({ type: 'rtt', rttUs: Math.round(rttMs * 1000) });
    }, FEEDBACK_INTERVAL_MS);
    this.o.log(
      `GameStream: stream ${stream.sessionId} starting, ${announced.width}x${announced.height}@${announced.fps} ` +
        `${announced.codec} from ${desktop.description}, ${describeStreamEncryption(announced)}; ` +
        `waiting for the client's pings on ${this.o.ports.video}/udp`,
    );
    void stream.ended.then((end) => this.onStreamEnded(current, end));
    void desktop.closedByDesktop.then((reason) => {
      if (this.active !== current || current.ending) return;
      stream.noteEvent('display-lost', `display lost: ${reason}`, { reason });
      void this.end(current, reason, TERMINATION_FRAME_FAILED);
      // The launch's own display is gone and its app with it: the launch ends (the client launches anew).
      if (current.launchHeld) this.o.sessions.cancel(current.launchId);
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
    this.active?.stream?.noteEvent('encoder-fallback', `encoder fallback: ${note}`, {
      stage: 'pace',
      codec: announced.codec,
      fallbackCodec: 'h264',
      encodeP50Us: slow.encodeP50Us,
      budgetUs: slow.budgetUs,
    });
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
        onIdrRequest: () => {
          current.reports.idrRequest();
          current.stream?.requestIdr();
        },
        onFramesLost: (frames) => {
          current.reports.framesLost(frames);
          // Reference frame invalidation is not offered; an IDR repairs the same loss.
          current.stream?.requestIdr('loss-recovery');
        },
        onFecStatus: (status) => {
          current.fec.reported = true;
          current.fec.tally.add(status);
          current.reports.fecStatus(status);
        },
        onInput: (event) => current.input?.handle(event),
        onDisconnected: (reason) => {
          const why = CONTROL_ENDED[reason];
          this.o.log(`GameStream control: ${why}`);
          // The client left (or went silent): stop streaming now; the launch record stays for a resume.
          const active = this.active;
          if (active && active === current) void this.end(active, why, null);
        },
      },
    });
  }

  private onStreamEnded(current: ActiveStream, end: Awaited<StreamingSession['ended']>): void {
    if (current.feedbackTimer) clearInterval(current.feedbackTimer);
    // A stream that ended before its first video ping leaves its ports bound here: freed now.
    if (this.ports?.handshake === `${current.launchId}/${current.pingPayload}`) {
      void releasePorts(this.ports);
      this.ports = null;
    }
    if (end.error) this.o.log(`GameStream: stream ${end.sessionId} failed: ${end.error}`);
    // An end the host asked for was logged as "ending …" already.
    else if (end.reason && !current.ending)
      this.o.log(`GameStream: stream ${end.sessionId} ended: ${end.reason}`);
    // The summary after the reason.
    const { idrRequests, unrecoverableFrames } = current.reports.total;
    if (end.summary) {
      this.o.log(
        `GameStream ${end.sessionId}: ${end.summary}; the client asked for ${idrRequests} keyframe(s) ` +
          `and reported ${unrecoverableFrames} unrecoverable frame(s)`,
      );
    }
    // A failed worker (capture or encoder) is told to the client as such, not left to its timeout.
    if (!current.ending && end.error) void current.link.terminate(TERMINATION_FRAME_FAILED);
    else if (!current.ending) current.link.close();
    // Nothing stays pressed, no pad lingers once the stream is over.
    current.input?.close();
    if (!current.launchHeld) void current.desktop?.close();
    if (this.active === current) this.active = null;
  }

  /** `termination`: what the client is told first (null: nothing, the client already left). */
  private end(
    active: ActiveStream,
    why: string,
    termination: number | null = TERMINATION_GRACEFUL,
  ): Promise<void> {
    active.endingWhy ??= why;
    active.ending ??= (async () => {
      const which = active.stream
        ? `stream ${active.stream.sessionId}`
        : 'the stream (its desktop was opening)';
      this.o.log(`GameStream: ending ${which} (${why})`);
      if (this.active === active) this.active = null;
      active.input?.close();
      const farewell =
        termination !== null ? active.link.terminate(termination) : Promise.resolve(active.link.close());
      // The reason goes with the stop: the lane's client-disconnect says why.
      await Promise.all([farewell, active.stream?.stop(why)]);
      if (!active.launchHeld) await active.desktop?.close();
    })();
    const ending = active.ending;
    this.endings.add(ending);
    void ending.finally(() => this.endings.delete(ending));
    return ending;
  }

  /** Resolves once every end in progress has finished: its worker exited, its desktop closed. */
  async settled(): Promise<void> {
    await Promise.all([...this.endings]);
  }

  /** The host stops, or the slot closes: the stream ends, the launch's display goes, its ports are freed. */
  async close(): Promise<void> {
    this.unsubscribe();
    await releasePorts(this.ports);
    this.ports = null;
    if (this.active) await this.end(this.active, 'the host is stopping');
    await Promise.all([...this.endings]);
    await this.closeLaunchDisplay();
  }
}
