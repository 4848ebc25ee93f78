// The host process entry: reads config, checks the media engine, starts the
// stats recorder and the management API, and runs until SIGINT/SIGTERM.
// Streaming paths attach here as they are built.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monotonicUs } from '@punktfunk/native';
import { API_BASE_PATH } from '@punktfunk/shared';
import { serveConsole } from './api/console.js';
import { createApi, EventTickets, listenApi, loadOrCreateToken, type MgmtToken } from './api/index.js';
import {
  ConfigError,
  type HostConfig,
  loadConfig,
  loadDesktopConfig,
  loadGameStreamConfig,
  loadManagementConfig,
  type ManagementConfig,
} from './config.js';
import { resolveCapture } from './desktop/desktop-source.js';
import { type EngineProbe, probeEngine } from './engine-probe.js';
import { type GameStreamService, startGameStreamService } from './gamestream/service.js';
import { loadOrCreateIdentity } from './identity/host-identity.js';
import { PairedClients } from './identity/paired-clients.js';
import { PendingPairings } from './pairing/pending-pairings.js';
import { StatsRecorder } from './recorder/index.js';
import { startStreamingServices } from './streaming-services.js';

const HOST_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
const LOOPBACK = new Set(['127.0.0.1', '::1']);
const log = {
  info: (message: string) => console.info(`punktfunk host: ${message}`),
  warn: (message: string) => console.warn(`punktfunk host: ${message}`),
  error: (message: string) => console.error(`punktfunk host: ${message}`),
};

interface Services {
  close(): Promise<void>;
}

function announce(mgmt: ManagementConfig, httpUrl: string, httpsUrl: string, token: MgmtToken): void {
  // A wildcard bind is reachable on loopback; the browser needs a real address.
  const consoleUrl = new URL(httpUrl);
  if (consoleUrl.hostname === '0.0.0.0') consoleUrl.hostname = '127.0.0.1';
  if (consoleUrl.hostname === '[::]') consoleUrl.hostname = '[::1]';
  const consoleBase = consoleUrl.origin;
  log.info(`management API on ${httpUrl}${API_BASE_PATH} and ${httpsUrl}${API_BASE_PATH} (TLS)`);
  log.info(`console ${consoleBase}/ — sign in with ${consoleBase}/#token=${token.token}`);
  log.info(
    `the management token is in ${token.path ? `${token.path} (${token.source})` : 'PUNKTFUNK_MGMT_TOKEN'}`,
  );
  if (!LOOPBACK.has(mgmt.bind)) {
    log.warn(
      `plain HTTP on ${mgmt.bind}: the token would cross the network unencrypted; prefer the TLS port`,
    );
  }
}

async function startServices(
  config: HostConfig,
  mgmt: ManagementConfig,
  probe: EngineProbe,
): Promise<Services> {
  const identity = await loadOrCreateIdentity(mgmt.configDir, mgmt.hostName, log);
  const pairedClients = await PairedClients.open(join(mgmt.configDir, 'paired-clients.json'), log);
  // The one recorder of this process. The streaming paths get it too: they
  // mirror recorder.onArmedChange into their workers' control block and relay
  // worker messages to noteSession / noteSessionEnd / addSample.
  const recorder = await StatsRecorder.open({
    dir: mgmt.capturesDir,
    nowMonoUs: monotonicUs,
    host: { name: identity.hostName, version: HOST_VERSION },
    log,
  });
  const token = await loadOrCreateToken(mgmt.token, mgmt.configDir, log);
  // Pairing requests of every kind wait here for the operator's PIN.
  const pendingPairings = new PendingPairings();
  let gamestream: GameStreamService | null = null;
  const app = createApi({
    recorder,
    host: {
      name: identity.hostName,
      version: HOST_VERSION,
      uniqueId: identity.uniqueId,
      certFingerprintSha256: identity.certFingerprintSha256,
    },
    statusProvider: () => ({
      encoderBackend: probe.encoder.backend,
      encoderName: probe.encoder.encoderName,
      sessions: recorder.sessions(),
    }),
    tickets: new EventTickets(),
    pairings: pendingPairings,
    pairedClients,
    gamestreamApps: () => gamestream?.apps.list() ?? null,
    auth: { token: token.token, pairedClients },
    // The web console, built by `pnpm run build:console` (apps/console/dist).
    console: serveConsole(fileURLToPath(new URL('../../console/dist/', import.meta.url))),
    log,
  });
  const servers = await listenApi(app, { ...mgmt, certPem: identity.certPem, keyPem: identity.keyPem });
  announce(mgmt, servers.httpUrl, servers.httpsUrl, token);
  const desktop = loadDesktopConfig();
  // Decided again per session (a display may come up later); said now so the operator sees what they will get.
  log.info(`streams show ${resolveCapture(desktop).description} (PUNKTFUNK_CAPTURE=${desktop.capture})`);
  const streaming = await startStreamingServices({
    config,
    desktop,
    recorder,
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    encoderName: probe.encoder.encoderName,
    isPaired: (fingerprint) => pairedClients.has(fingerprint),
    pairing: { broker: pendingPairings, store: pairedClients },
    log: (line) => console.info(`punktfunk host: ${line}`),
  });
  gamestream = await startGameStreamService({
    config: loadGameStreamConfig(),
    host: config,
    desktop,
    configDir: mgmt.configDir,
    identity,
    pairedClients,
    pending: pendingPairings,
    manager: streaming.sessions,
    encoderName: probe.encoder.encoderName,
    log: log.info,
  });
  return {
    close: async () => {
      await gamestream?.close();
      await streaming.close();
      // An armed capture is saved, not lost, when the host stops.
      await recorder.stop().catch((error: Error) => log.error(error.message));
      await servers.close();
    },
  };
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const what = error instanceof ConfigError ? 'configuration' : 'start-up';
  console.error(`punktfunk host: ${what} failed: ${message}`);
  process.exitCode = 1;
}

function main(): void {
  // Handlers first: a stop request during start-up must still end cleanly.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let services: Promise<Services | null> = Promise.resolve(null);
  const stop = (signal: string) => {
    console.info(`punktfunk host: ${signal}, stopping`);
    clearInterval(keepAlive);
    void services.then((running) => running?.close());
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    const config = loadConfig();
    const mgmt = loadManagementConfig();
    const probe = probeEngine(config);
    console.info(
      `punktfunk host: engine ready, ${config.width}x${config.height}@${config.fps} ` +
        `${config.codec} via ${probe.encoder.encoderName}; first frame ${probe.firstFrameBytes} bytes ` +
        `in ${(probe.firstFrameUs / 1000).toFixed(1)} ms`,
    );
    services = startServices(config, mgmt, probe).catch((error) => {
      clearInterval(keepAlive);
      fail(error);
      // Some listeners may already be open (a port further down was taken):
      // a half-started host must not linger, so it exits outright.
      process.exit(1);
    });
  } catch (error) {
    clearInterval(keepAlive);
    fail(error);
  }
}

main();
