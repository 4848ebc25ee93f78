// GameStream wired together: the apps file, the launch records, the pairing
// state, both lanes and the mDNS advertisement. main.ts calls
// startGameStreamService once; the management API reads apps, sessions and
// the paired store through the returned object.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { type DisplayMode, SS_ENC_AUDIO, SS_ENC_CONTROL_V2, SS_ENC_VIDEO } from '@punktfunk/protocol';
import type { DesktopConfig, GameStreamConfig, GameStreamEncryption, HostConfig } from '../config.js';
import type { PairedClients } from '../identity/paired-clients.js';
import { AppRunner } from '../launcher/app-runner.js';
import type { PendingPairings } from '../pairing/pending-pairings.js';
import type { SessionManager } from '../streaming/core/session-manager.js';
import { GameStreamApps } from './apps.js';
import { probeCodecSupport } from './codecs.js';
import { GameStreamControlServer } from './control-stream.js';
import { startGameStreamHttp } from './http-server.js';
import { startGameStreamHttps } from './https-server.js';
import { closeServer } from './listen.js';
import { advertiseGameStream, type MdnsAdvertisement } from './mdns.js';
import { GameStreamPairing } from './pairing.js';
import type { GameStreamContext } from './requests.js';
import { startGameStreamRtsp } from './rtsp-server.js';
import { GameStreamSessions } from './sessions.js';
import { GameStreamStreamer } from './streamer.js';

export interface GameStreamServiceOptions {
  config: GameStreamConfig;
  host: HostConfig;
  /** The captured X display: also where input goes and apps start. */
  desktop: DesktopConfig;
  configDir: string;
  identity: { uniqueId: string; hostName: string; certPem: string; keyPem: string };
  pairedClients: PairedClients;
  pending: PendingPairings;
  /** Runs the streaming workers (shared with the native path). */
  manager: SessionManager;
  encoderName: string;
  log(line: string): void;
}

export interface GameStreamService {
  apps: GameStreamApps;
  sessions: GameStreamSessions;
  httpPort: number;
  httpsPort: number;
  rtspPort: number;
  close(): Promise<void>;
}

// ServerCodecModeSupport bit for HEVC Main; the same test decides whether DESCRIBE offers HEVC.
const HEVC_MODE = 0x100;

// The GameStream path's aggregation window (the native path's is about 2 s).
const GAMESTREAM_WINDOW_MS = 1000;

// Offered besides the configured mode so common client defaults are listed.
const COMMON_MODES: readonly DisplayMode[] = [
  { width: 1280, height: 720, fps: 60 },
  { width: 1920, height: 1080, fps: 60 },
];

/** What DESCRIBE offers and asks for. The control stream is only spoken encrypted (control v2), so it is always asked for. */
function encryptionOffer(mode: GameStreamEncryption): { supported: number; requested: number } {
  const media = mode === 'off' ? 0 : SS_ENC_VIDEO | SS_ENC_AUDIO;
  return {
    supported: SS_ENC_CONTROL_V2 | media,
    requested: SS_ENC_CONTROL_V2 | (mode === 'required' ? media : 0),
  };
}

function displayModes(host: HostConfig): DisplayMode[] {
  const modes = [{ width: host.width, height: host.height, fps: host.fps }, ...COMMON_MODES];
  const key = (m: DisplayMode) => `${m.width}x${m.height}x${m.fps}`;
  return modes.filter((m, i) => modes.findIndex((other) => key(other) === key(m)) === i);
}

/** Null (and nothing listening) when GameStream is switched off. */
export async function startGameStreamService(o: GameStreamServiceOptions): Promise<GameStreamService | null> {
  if (!o.config.enabled) {
    o.log('GameStream is switched off (PUNKTFUNK_GAMESTREAM=0)');
    return null;
  }
  const apps = await GameStreamApps.load(join(o.configDir, 'apps.json'), { warn: o.log });
  const sessions = new GameStreamSessions();
  // Apps start on the captured display, in the host's environment (sound server included).
  const appRunner = new AppRunner({
    display: o.desktop.display,
    log: o.log,
    // The player quit the game: the stream ends (graceful termination) and the client is back at its app list.
    onAppEnded: () => void sessions.cancel(),
  });
  const codecs = probeCodecSupport(o.host, o.log);
  if (codecs.codecModeSupport === 0)
    throw new Error('GameStream: the encoder opens no codec a client could use');
  const pairing = new GameStreamPairing({
    hostCertPem: o.identity.certPem,
    hostCertDer: new X509Certificate(o.identity.certPem).raw,
    hostKeyPem: o.identity.keyPem,
    pending: o.pending,
    store: o.pairedClients,
    log: o.log,
  });
  const ports = { http: o.config.httpPort, https: o.config.httpsPort, rtsp: o.config.rtspPort };
  const ctx: GameStreamContext = {
    uniqueId: o.identity.uniqueId,
    hostName: o.identity.hostName,
    ports: () => ports,
    codecModeSupport: codecs.codecModeSupport,
    displayModes: displayModes(o.host),
    gpuType: o.encoderName,
    pairedClients: o.pairedClients,
    pairing,
    apps,
    appRunner,
    sessions,
    isStreaming: () => streamer?.streaming() != null,
    log: o.log,
  };
  let streamer: GameStreamStreamer | null = null;
  const http = await startGameStreamHttp(ctx, o.config.httpPort, o.config.bind);
  ports.http = http.port;
  const https = await startGameStreamHttps(ctx, {
    port: o.config.httpsPort,
    bind: o.config.bind,
    certPem: o.identity.certPem,
    keyPem: o.identity.keyPem,
  }).catch(async (error) => {
    await closeServer(http.server);
    throw error;
  });
  ports.https = https.port;
  const streamPorts = {
    video: o.config.streamPortBase,
    control: o.config.streamPortBase + 1,
    audio: o.config.streamPortBase + 2,
  };
  const encryption = encryptionOffer(o.config.encryption);
  const rtsp = await startGameStreamRtsp({
    port: o.config.rtspPort,
    bind: o.config.bind,
    sessions,
    streamPorts,
    sdp: {
      hevc: (codecs.codecModeSupport & HEVC_MODE) !== 0,
      av1: false,
      featureFlags: 0,
      encryptionSupported: encryption.supported,
      encryptionRequested: encryption.requested,
    },
    log: o.log,
  }).catch(async (error) => {
    await Promise.all([closeServer(http.server), closeServer(https.server)]);
    throw error;
  });
  ports.rtsp = rtsp.port;
  const control = await GameStreamControlServer.listen(o.config.bind, streamPorts.control, o.log).catch(
    async (error) => {
      await Promise.all([closeServer(http.server), closeServer(https.server), rtsp.close()]);
      throw error;
    },
  );
  streamer = new GameStreamStreamer({
    sessions,
    manager: o.manager,
    control,
    host: o.host,
    desktop: o.desktop,
    bind: o.config.bind,
    ports: { video: streamPorts.video, audio: streamPorts.audio },
    fecPercent: o.config.fecPercent,
    windowMs: GAMESTREAM_WINDOW_MS,
    clientTimeoutMs: o.config.clientTimeoutMs,
    log: o.log,
  });
  const liveStreamer = streamer;
  o.log(
    `GameStream HTTP on ${o.config.bind}:${ports.http}, HTTPS on ${o.config.bind}:${ports.https}, ` +
      `RTSP on ${o.config.bind}:${ports.rtsp}, streams on ${streamPorts.video}-${streamPorts.audio}/udp ` +
      `(media encryption ${o.config.encryption}; codecs: ${codecs.codecs.join(', ')}; apps: ${apps.path})`,
  );
  const mdns: MdnsAdvertisement | null = o.config.mdns
    ? advertiseGameStream({ hostName: o.identity.hostName, httpPort: ports.http, log: o.log })
    : null;
  return {
    apps,
    sessions,
    httpPort: ports.http,
    httpsPort: ports.https,
    rtspPort: ports.rtsp,
    close: async () => {
      await liveStreamer.close();
      await appRunner.stop('the host is stopping');
      await control.close();
      pairing.close();
      await mdns?.close().catch((error: Error) => o.log(`mDNS: ${error.message}`));
      await Promise.all([closeServer(http.server), closeServer(https.server), rtsp.close()]);
    },
  };
}
