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
import { overSessionCap } from '../streaming/core/session-cap.js';
import type { SessionManager } from '../streaming/core/session-manager.js';
import { type GameStreamApp, GameStreamApps } from './apps.js';
import { CodecFallbacks } from './codec-fallback.js';
import { probeCodecSupport } from './codecs.js';
import { startGameStreamHttp } from './http-server.js';
import { startGameStreamHttps } from './https-server.js';
import { closeServer } from './listen.js';
import { advertiseGameStream } from './mdns.js';
import { GameStreamPairing } from './pairing.js';
import { clientLabel, type GameStreamContext } from './requests.js';
import { SessionSlots, slotPorts } from './session-slots.js';
import { GameStreamSessions } from './sessions.js';
import { openSlotLanes, type SlotLaneDeps } from './slot-lanes.js';
import { describeEncryptionOffer, type GameStreamServiceSpec, gameStreamServiceSpec } from './spec.js';

export interface GameStreamServiceOptions {
  config: GameStreamConfig;
  engine: EngineConfig;
  /** What a client may ask to stream (checked at ANNOUNCE). */
  streamCaps: StreamCaps;
  /** The X display apps start on. */
  desktop: DesktopConfig;
  /** Opens each stream's desktop or a launch's virtual display: the picture and where input goes. */
  desktops: Pick<DesktopOpener, 'open'>;
  /** The display of apps without their own `display` (PUNKTFUNK_DISPLAY_MODE); default desktop. */
  displayMode?: 'desktop' | 'virtual';
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
  /** The operator ends the stream with this (streaming) session id: its app is quit as by its client's /cancel. */
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
          `RTSP on ${o.config.bind}:${service.rtspPort}, streams on ${spec.streamPorts.video}-${spec.streamPorts.audio}/udp, ` +
          `${describeFurtherSlots(o)} ` +
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

/** Where sessions beyond the first stream (session-slots.ts). */
function describeFurtherSlots(o: GameStreamServiceOptions): string {
  const max = o.streamCaps.maxSessions;
  if (max === 1) return 'one session at a time (PUNKTFUNK_MAX_SESSIONS=1)';
  const first = slotPorts(1, o.config).video;
  const last = slotPorts(max - 1, o.config).rtsp;
  return `up to ${max} sessions, further ones on ${first}-${last}`;
}

/** Everything but the advertisement: launch records, app runners, pairing, the lanes and the streamers. */
async function openService(
  o: GameStreamServiceOptions,
  apps: GameStreamApps,
  spec: GameStreamServiceSpec,
  closers: Closers,
): Promise<GameStreamService> {
  const sessions = new GameStreamSessions(o.streamCaps.maxSessions);
  const runners = new SlotAppRunners(o, sessions);
  closers.push(() => runners.stopAll('the host is stopping'));
  const pairing = new GameStreamPairing({
    hostCertPem: o.identity.certPem,
    hostCertDer: new X509Certificate(o.identity.certPem).raw,
    hostKeyPem: o.identity.keyPem,
    pending: o.pending,
    store: o.pairedClients,
    log: o.log,
  });
  closers.push(() => pairing.close());
  const ports = { http: o.config.httpPort, https: o.config.httpsPort, rtsp: o.config.rtspPort };
  const displayModeOf = (app: GameStreamApp) => app.display ?? o.displayMode ?? 'desktop';
  let slots: SessionSlots | null = null;
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
    appRunnerFor: (slot) => runners.get(slot),
    sessions,
    openSlot: (slot) => (slots as SessionSlots).acquire(slot),
    launchGone: async (slot, why) => {
      const lane = slots?.lanes().find((l) => l.slot === slot);
      await Promise.all([runners.get(slot).stop(why), lane?.streamer.settled()]);
    },
    // Both paths count: GameStream launch records and punktfunk/1 streams.
    overSessionCap: () =>
      overSessionCap(
        sessions.count() + o.manager.list().filter((s) => s.kind !== 'gamestream').length,
        o.streamCaps.maxSessions,
      ),
    displayModeOf,
    log: o.log,
  };
  const codecFallbacks = await loadCodecFallbacks(o);
  await openHttpLanes(o, ctx, ports, closers);
  const lanes: SlotLaneDeps = {
    o,
    ctx,
    spec: { ...spec, codecFallbacks },
    displayModeOf,
    sessions,
  };
  const opened = new SessionSlots((slot) => openSlotLanes(lanes, slot), sessions);
  slots = opened;
  closers.push(() => opened.close());
  ports.rtsp = (await opened.acquire(0)).rtspPort;
  const endStream = async (streamSessionId: string): Promise<boolean> => {
    const lane = opened.lanes().find((l) => l.streamer.streaming()?.sessionId === streamSessionId);
    const record = lane ? sessions.inSlot(lane.slot) : null;
    if (!lane || !record) return false;
    o.log(
      `GameStream: the operator ended the session of ${clientLabel(ctx, record.clientFingerprint)} ` +
        `(${record.appTitle}, stream ${streamSessionId})`,
    );
    sessions.cancel(record.sessionId);
    // Answered once the stream is gone: a second DELETE of the same id is a 404, not a race.
    await ctx.launchGone(lane.slot, 'the operator ended the session');
    return true;
  };
  const service = { apps, sessions, httpPort: ports.http, httpsPort: ports.https, rtspPort: ports.rtsp };
  return { ...service, endStream, close: () => closers.close() };
}

/**
 * One app runner per slot: each launch record's app starts and stops with
 * it. An app that ends by itself ends its own launch record; a record that
 * ends another way (the operator, a lost display) stops its app.
 */
class SlotAppRunners {
  private readonly runners = new Map<number, AppRunner>();

  constructor(
    private readonly o: GameStreamServiceOptions,
    private readonly sessions: GameStreamSessions,
  ) {
    sessions.onChange((slot, session) => {
      // Deferred: a /cancel stops the app itself first, with its own reason in the log.
      if (session === null) setImmediate(() => void this.runners.get(slot)?.stop('its session ended'));
    });
  }

  get(slot: number): AppRunner {
    let runner = this.runners.get(slot);
    if (!runner) {
      runner = new AppRunner({
        // Apps on the desktop start on the captured display, in the host's environment (sound server included).
        display: this.o.desktop.display,
        log: this.o.log,
        // The player quit the game: the stream ends (graceful termination) and the client is back at its app list.
        onAppEnded: () => {
          const record = this.sessions.inSlot(slot);
          if (record) this.sessions.cancel(record.sessionId);
        },
      });
      this.runners.set(slot, runner);
    }
    return runner;
  }

  async stopAll(why: string): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop(why)));
  }
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

/** HTTP and HTTPS (their bound ports go into `ports`). */
async function openHttpLanes(
  o: GameStreamServiceOptions,
  ctx: GameStreamContext,
  ports: { http: number; https: number },
  closers: Closers,
): Promise<void> {
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
}
