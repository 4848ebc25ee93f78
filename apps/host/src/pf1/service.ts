// The punktfunk/1 service: the TLS control server, which starts one
// streaming worker per client through the shared session manager.
import { join } from 'node:path';
import { monotonicUs } from '@punktfunk/native';
import type { HelloMessage } from '@punktfunk/protocol';
import type { DesktopConfig, EngineConfig, Pf1Config, StreamCaps } from '../config/index.js';
import { type DesktopOpener, sessionDisplayRequest } from '../desktop/desktop-opener.js';
import type { OpenedDesktop } from '../desktop/desktop-source.js';
import { clientLabel } from '../identity/paired-clients.js';
import type { SessionManager, StreamingSession } from '../streaming/core/session-manager.js';
import { overStreamCaps } from '../streaming/core/stream-caps.js';
import type { ControlConnectionDeps, StreamOffer } from './control-connection.js';
import { ControlServer, type ControlServerOptions } from './control-server.js';

export interface Pf1ServiceOptions {
  engine: EngineConfig;
  /** What a client may ask to stream: its hello's mode is fitted to the caps. */
  streamCaps: StreamCaps;
  /** Opens each session's desktop (capture and input). */
  desktops: Pick<DesktopOpener, 'open'>;
  /** PUNKTFUNK_DISPLAY_MODE: 'virtual' gives each session a display at its hello's mode; unset: the desktop. */
  desktop?: Pick<DesktopConfig, 'displayMode'>;
  config: Pf1Config;
  sessions: SessionManager;
  cert: string;
  key: string;
  encoderName: string;
  isPaired(fingerprint256: string): boolean;
  /** The operator's name for a paired client with its short fingerprint; null when it is not paired. */
  pairedLabel(fingerprint256: string): string | null;
  pairing: ControlServerOptions['pairing'];
  guard: ControlServerOptions['guard'];
  log(line: string): void;
}

/** Throws (the client is told why) when the sessions already streaming leave no room for `mode`. */
function checkStreamCaps(o: Pf1ServiceOptions, mode: Pick<StreamOffer, 'width' | 'height' | 'fps'>): void {
  const over = overStreamCaps(mode, o.streamCaps, o.sessions.runningPixelRate());
  if (over) throw new Error(over);
}

export function streamOffer(o: Pf1ServiceOptions, hello: HelloMessage): StreamOffer {
  // The client says what it wants; the host fits its size and rate into the
  // caps (the welcome tells the client what it gets) and refuses a pixel rate
  // over them.
  const codec = hello.codecs.includes(o.engine.codec) ? o.engine.codec : (hello.codecs[0] ?? o.engine.codec);
  const even = (n: number) => n - (n % 2);
  const caps = o.streamCaps;
  const offer = {
    codec,
    width: even(Math.min(hello.width, caps.maxWidthPx)),
    height: even(Math.min(hello.height, caps.maxHeightPx)),
    fps: Math.min(hello.fps, caps.maxFps),
    bitrateKbps: hello.bitrateKbps ?? o.engine.bitrateKbps,
    fecPercent: hello.fecPercent ?? o.config.fecPercent,
    shardBytes: o.config.shardBytes,
    encoderName: o.encoderName,
  };
  checkStreamCaps(o, offer);
  return offer;
}

type SessionArgs = Parameters<ControlConnectionDeps['startSession']>[0];

/** How the recording names the client: by its certificate, paired or not; by name and address without one. */
function sessionClient(o: Pf1ServiceOptions, args: SessionArgs): string {
  if (!args.fingerprint) return `${args.hello.clientName}@${args.remoteAddress}`;
  return o.pairedLabel(args.fingerprint) ?? clientLabel(args.hello.clientName, args.fingerprint);
}

/** Opens the desktop, then the worker; the desktop is closed when the stream ends (or the desktop ends it). */
async function startNativeSession(o: Pf1ServiceOptions, args: SessionArgs): Promise<StreamingSession> {
  const { hello, offer, remoteAddress, key, salt, sessionId } = args;
  // Checked again: other sessions may have started since the hello.
  checkStreamCaps(o, offer);
  const label = `native session ${sessionId}`;
  const hostDefault = o.desktop?.displayMode ?? 'desktop';
  // A virtual display is made at the offer's mode: the hello's, fitted into the caps.
  const desktop = await o.desktops.open(sessionDisplayRequest({ hostDefault, stream: offer, label }));
  o.log(`${label}: streaming ${desktop.description}`);
  let session: StreamingSession;
  try {
    session = o.sessions.start({
      sessionId,
      kind: 'native',
      client: sessionClient(o, args),
      windowMs: o.config.windowMs,
      source: {
        kind: 'engine',
        codec: offer.codec,
        backend: o.engine.encoderBackend,
        width: offer.width,
        height: offer.height,
        fps: offer.fps,
        bitrateKbps: offer.bitrateKbps,
        capture: desktop.spec,
      },
      send: { remoteHost: remoteAddress, remotePort: hello.udpPort, key, salt, ...shards(offer) },
      traceOutPath: o.config.traceDir ? join(o.config.traceDir, `${sessionId}.trace.jsonl`) : null,
      settings: { capture: desktop.description },
    });
  } catch (error) {
    await desktop.close();
    throw error;
  }
  followDesktop(o, session, desktop);
  return session;
}

function shards(offer: StreamOffer) {
  return { shardBytes: offer.shardBytes, fecPercent: offer.fecPercent };
}

function followDesktop(o: Pf1ServiceOptions, session: StreamingSession, desktop: OpenedDesktop): void {
  let ended = false;
  void session.ended.then(() => {
    ended = true;
    return desktop.close();
  });
  void desktop.closedByDesktop.then((reason) => {
    // Our own close at the stream's end may be answered with the desktop's "closed": not news then.
    if (ended) return;
    o.log(`native session ${session.sessionId}: ${reason}; ending the stream`);
    void session.stop(reason);
  });
}

export interface Pf1Service {
  port: number;
  close(): Promise<void>;
}

export async function startPf1Service(o: Pf1ServiceOptions): Promise<Pf1Service> {
  const server = new ControlServer({
    cert: o.cert,
    key: o.key,
    port: o.config.port,
    bind: o.config.bind,
    loopbackWithoutPairing: o.config.loopbackWithoutPairing,
    isPaired: o.isPaired,
    pairing: o.pairing,
    guard: o.guard,
    monotonicUs,
    pingIntervalMs: 1000,
    clientTimeoutMs: o.config.clientTimeoutMs,
    log: o.log,
    offer: (hello) => streamOffer(o, hello),
    startSession: (args) => startNativeSession(o, args),
  });
  const port = await server.listen();
  o.log(`native punktfunk/1 control on ${o.config.bind}:${port} (TLS)`);
  return { port, close: () => server.close() };
}
