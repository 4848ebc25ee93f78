// GameStream wired together: the apps file, the launch records, the pairing
// state, both lanes and the mDNS advertisement. main.ts calls
// startGameStreamService once; the management API reads apps, sessions and
// the paired store through the returned object.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { type DisplayMode, SS_ENC_CONTROL_V2 } from '@punktfunk/protocol';
import type { GameStreamConfig, HostConfig } from '../config.js';
import type { PairedClients } from '../identity/paired-clients.js';
import type { PendingPairings } from '../pairing/pending-pairings.js';
import { GameStreamApps } from './apps.js';
import { probeCodecSupport } from './codecs.js';
import { startGameStreamHttp } from './http-server.js';
import { startGameStreamHttps } from './https-server.js';
import { closeServer } from './listen.js';
import { advertiseGameStream, type MdnsAdvertisement } from './mdns.js';
import { GameStreamPairing } from './pairing.js';
import type { GameStreamContext } from './requests.js';
import { startGameStreamRtsp } from './rtsp-server.js';
import { GameStreamSessions } from './sessions.js';

export interface GameStreamServiceOptions {
  config: GameStreamConfig;
  host: HostConfig;
  configDir: string;
  identity: { uniqueId: string; hostName: string; certPem: string; keyPem: string };
  pairedClients: PairedClients;
  pending: PendingPairings;
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

// Offered besides the configured mode so common client defaults are listed.
const COMMON_MODES: readonly DisplayMode[] = [
  { width: 1280, height: 720, fps: 60 },
  { width: 1920, height: 1080, fps: 60 },
];

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
    sessions,
    log: o.log,
  };
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
  const rtsp = await startGameStreamRtsp({
    port: o.config.rtspPort,
    bind: o.config.bind,
    sessions,
    sdp: {
      hevc: (codecs.codecModeSupport & HEVC_MODE) !== 0,
      av1: false,
      featureFlags: 0,
      // The control stream is only spoken encrypted (control v2), so it is asked for, not just offered.
      encryptionSupported: SS_ENC_CONTROL_V2,
      encryptionRequested: SS_ENC_CONTROL_V2,
    },
    log: o.log,
  }).catch(async (error) => {
    await Promise.all([closeServer(http.server), closeServer(https.server)]);
    throw error;
  });
  ports.rtsp = rtsp.port;
  o.log(
    `GameStream HTTP on ${o.config.bind}:${ports.http}, HTTPS on ${o.config.bind}:${ports.https}, ` +
      `RTSP on ${o.config.bind}:${ports.rtsp} (codecs: ${codecs.codecs.join(', ')}; apps: ${apps.path})`,
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
      pairing.close();
      await mdns?.close().catch((error: Error) => o.log(`mDNS: ${error.message}`));
      await Promise.all([closeServer(http.server), closeServer(https.server), rtsp.close()]);
    },
  };
}
