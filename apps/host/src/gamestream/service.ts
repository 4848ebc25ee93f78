// GameStream wired together: the apps file, the launch records, the pairing
// state, both lanes and the mDNS advertisement. main.ts calls
// startGameStreamService once; the management API reads apps, sessions and
// the paired store through the returned object. What is offered is decided
// in spec.ts; this file only opens things, each with its closer.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { DesktopConfig, EngineConfig, GameStreamConfig, StreamCaps } from '../config/index.js';
import type { DesktopOpener } from '../desktop/desktop-opener.js';
import type { PairedClients } from '../identity/paired-clients.js';
import { AppRunner } from '../launcher/app-runner.js';
import { type Closers, openAll } from '../lifecycle/closers.js';
import type { GuardSettings } from '../net/connection-guard.js';
import type { PendingPairings } from '../pairing/pending-pairings.js';
import type { SessionManager } from '../streaming/core/session-manager.js';
import { GameStreamApps } from './apps.js';
import { CodecFallbacks } from './codec-fallback.js';
import { probeCodecSupport } from './codecs.js';
import { GameStreamControlServer } from './control-stream.js';
import { startGameStreamHttp } from './http-server.js';
import { startGameStreamHttps } from './https-server.js';
import { closeServer } from './listen.js';
import { advertiseGameStream } from './mdns.js';
import { GameStreamPairing } from './pairing.js';
import { clientLabel, type GameStreamContext } from './requests.js';
import { type RtspServerOptions, startGameStreamRtsp } from './rtsp-server.js';
import { GameStreamSessions } from './sessions.js';
import {
  checkAnnouncedStream,
  describeEncryptionOffer,
  GAMESTREAM_WINDOW_MS,
  type GameStreamServiceSpec,
  gameStreamServiceSpec,
} from './spec.js';
import { GameStreamStreamer } from './streamer.js';

export interface GameStreamServiceOptions {
  config: GameStreamConfig;
  engine: EngineConfig;
  /** What a client may ask to stream (checked at ANNOUNCE). */
  streamCaps: StreamCaps;
  /** The X display apps start on. */
  desktop: DesktopConfig;
  /** Opens each stream's desktop: the picture and where input goes. */
  desktops: Pick<DesktopOpener, 'open'>;
  configDir: string;
  identity: { uniqueId: string; hostName: string; certPem: string; keyPem: string };
  pairedClients: PairedClients;
  pending: PendingPairings;
  /** Runs the streaming workers (shared with the pf1 path). */
  manager: SessionManager;
  encoderName: string;
  /** Timeouts and connection caps of the HTTP, HTTPS and RTSP lanes. */
  guard: GuardSettings;
  log(line: string): void;
}

export interface GameStreamService {
  apps: GameStreamApps;
  sessions: GameStreamSessions;
  httpPort: number;
  httpsPort: number;
  rtspPort: number;
  /** The operator ends the running stream with this (streaming) session id: the app is quit as by the client's /cancel. */
  endStream(streamSessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Null (and nothing listening) when GameStream is switched off. */
export async function startGameStreamService(o: GameStreamServiceOptions): Promise<GameStreamService | null> {
  if (!o.config.enabled) {
    o.log('GameStream is switched off (PUNKTFUNK_GAMESTREAM=0)');
    return null;
  }
  const apps = await GameStreamApps.load(join(o.configDir, 'apps.json'), { warn: o.log });
  const codecs = probeCodecSupport(o.engine, o.log);
  if (codecs.codecModeSupport === 0)
    throw new Error('GameStream: the encoder opens no codec a client could use');
  const spec = gameStreamServiceSpec(o.config, o.engine, codecs.codecModeSupport);
  const { value: service } = await openAll(
    async (closers) => {
      const service = await openService(o, apps, spec, closers);
      o.log(
        `GameStream HTTP on ${o.config.bind}:${service.httpPort}, HTTPS on ${o.config.bind}:${service.httpsPort}, ` +
          `RTSP on ${o.config.bind}:${service.rtspPort}, streams on ${spec.streamPorts.video}-${spec.streamPorts.audio}/udp ` +
          `(${describeEncryptionOffer(o.config.encryption)}; codecs: ${codecs.codecs.join(', ')}` +
          `${codecs.yuv444Codecs.length ? `, 4:4:4 for ${codecs.yuv444Codecs.join(', ')}` : ''}; apps: ${apps.path})`,
      );
      if (o.config.mdns) {
        const mdns = advertiseGameStream({
          hostName: o.identity.hostName,
          httpPort: service.httpPort,
          log: o.log,
        });
        closers.push(() => mdns.close().catch((error: Error) => o.log(`mDNS: ${error.message}`)));
      }
      return service;
    },
    (error) => o.log(`GameStream: closing after a failed start: ${(error as Error).message}`),
  );
  return service;
}

/** Everything but the advertisement: launch records, app runner, pairing, the lanes and the streamer. */
async function openService(
  o: GameStreamServiceOptions,
  apps: GameStreamApps,
  spec: GameStreamServiceSpec,
  closers: Closers,
): Promise<GameStreamService> {
  const sessions = new GameStreamSessions();
  // Apps start on the captured display, in the host's environment (sound server included).
  const appRunner = new AppRunner({
    display: o.desktop.display,
    log: o.log,
    // The player quit the game: the stream ends (graceful termination) and the client is back at its app list.
    onAppEnded: () => void sessions.cancel(),
  });
  closers.push(() => appRunner.stop('the host is stopping'));
  const pairing = new GameStreamPairing({
    hostCertPem: o.identity.certPem,
    hostCertDer: new X509Certificate(o.identity.certPem).raw,
    hostKeyPem: o.identity.keyPem,
    pending: o.pending,
    store: o.pairedClients,
    log: o.log,
  });
  closers.push(() => pairing.close());
  let streamer: GameStreamStreamer | null = null;
  const ports = { http: o.config.httpPort, https: o.config.httpsPort, rtsp: o.config.rtspPort };
  const ctx: GameStreamContext = {
    uniqueId: o.identity.uniqueId,
    hostName: o.identity.hostName,
    ports: () => ports,
    codecModeSupport: spec.codecModeSupport,
    displayModes: spec.displayModes,
    gpuType: o.encoderName,
    pairedClients: o.pairedClients,
    pairing,
    apps,
    appRunner,
    sessions,
    isStreaming: () => streamer?.streaming() != null,
    log: o.log,
  };
  const codecFallbacks = await loadCodecFallbacks(o);
  const control = await openLanes(o, ctx, { ...spec, codecFallbacks }, ports, closers, (kind, session) =>
    streamer ? streamer.openStreamPort(kind, session) : Promise.resolve(),
  );
  const live = new GameStreamStreamer({
    codecFallbacks,
    sessions,
    manager: o.manager,
    control,
    engine: o.engine,
    streamCaps: o.streamCaps,
    desktops: o.desktops,
    bind: o.config.bind,
    ports: { video: spec.streamPorts.video, audio: spec.streamPorts.audio },
    fecPercent: o.config.fecPercent,
    windowMs: GAMESTREAM_WINDOW_MS,
    clientTimeoutMs: o.config.clientTimeoutMs,
    describeClient: (fingerprint) => clientLabel(ctx, fingerprint),
    codecModeSupport: spec.codecModeSupport,
    log: o.log,
  });
  streamer = live;
  closers.push(() => live.close());
  const service = { apps, sessions, httpPort: ports.http, httpsPort: ports.https, rtspPort: ports.rtsp };
  const endStream = async (streamSessionId: string): Promise<boolean> => {
    const record = sessions.current();
    if (!record || live.streaming()?.sessionId !== streamSessionId) return false;
    o.log(
      `GameStream: the operator ended the session of ${clientLabel(ctx, record.clientFingerprint)} ` +
        `(${record.appTitle}, stream ${streamSessionId})`,
    );
    sessions.cancel(record.sessionId);
    await appRunner.stop('the operator ended the session');
    return true;
  };
  return { ...service, endStream, close: () => closers.close() };
}

/** The modes an earlier run found a codec too slow for (H.264 is offered there instead). */
async function loadCodecFallbacks(o: GameStreamServiceOptions): Promise<CodecFallbacks> {
  const fallbacks = await CodecFallbacks.load(join(o.configDir, 'codec-fallbacks.json'), o.log);
  const described = fallbacks.describe();
  if (described) {
    o.log(`GameStream: offering H.264 instead where an earlier run found a codec too slow (${described})`);
  }
  return fallbacks;
}

/** HTTP, HTTPS and RTSP (their bound ports go into `ports`) and the control stream's UDP port. */
async function openLanes(
  o: GameStreamServiceOptions,
  ctx: GameStreamContext,
  spec: GameStreamServiceSpec & { codecFallbacks: CodecFallbacks },
  ports: { http: number; https: number; rtsp: number },
  closers: Closers,
  openStreamPort: RtspServerOptions['openStreamPort'],
): Promise<GameStreamControlServer> {
  const http = await startGameStreamHttp(ctx, o.config.httpPort, o.config.bind, o.guard);
  closers.push(() => closeServer(http.server));
  ports.http = http.port;
  const https = await startGameStreamHttps(ctx, {
    port: o.config.httpsPort,
    bind: o.config.bind,
    certPem: o.identity.certPem,
    keyPem: o.identity.keyPem,
    guard: o.guard,
  });
  closers.push(() => closeServer(https.server));
  ports.https = https.port;
  const rtsp = await startGameStreamRtsp({
    port: o.config.rtspPort,
    bind: o.config.bind,
    sessions: ctx.sessions,
    streamPorts: spec.streamPorts,
    sdp: spec.sdp,
    guard: o.guard,
    // GameStream streams one session at a time: a running one is being replaced by this handshake.
    checkStream: (stream) =>
      checkAnnouncedStream(stream, {
        fecPercent: o.config.fecPercent,
        caps: o.streamCaps,
        runningPixelRate: o.manager.runningPixelRate('gamestream'),
      }),
    openStreamPort,
    codecFallbacks: spec.codecFallbacks,
    log: o.log,
  });
  closers.push(() => rtsp.close());
  ports.rtsp = rtsp.port;
  const control = await GameStreamControlServer.listen(o.config.bind, spec.streamPorts.control, o.log);
  closers.push(() => control.close());
  return control;
}
