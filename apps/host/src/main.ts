// The host process entry: reads config, checks the media engine, starts the
// stats recorder and the management API, and runs until SIGINT/SIGTERM.
// Streaming paths attach here as they are built.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monotonicUs } from '@punktfunk/native';
import { API_BASE_PATH } from '@punktfunk/shared';
import { createApi, EventTickets, listenApi, loadOrCreateToken, type MgmtToken } from './api/index.js';
import { ConfigError, loadConfig, loadManagementConfig, type ManagementConfig } from './config.js';
import { type EngineProbe, probeEngine } from './engine-probe.js';
import { loadOrCreateIdentity } from './identity/host-identity.js';
import { PairedClients } from './identity/paired-clients.js';
import { StatsRecorder } from './recorder/index.js';

const HOST_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
const LOOPBACK = new Set(['127.0.0.1', '::1']);

interface Services {
  close(): Promise<void>;
}

function announce(mgmt: ManagementConfig, httpUrl: string, httpsUrl: string, token: MgmtToken): void {
  const consoleHost = LOOPBACK.has(mgmt.bind) || mgmt.bind === '0.0.0.0' ? '127.0.0.1' : mgmt.bind;
  const consoleUrl = `http://${consoleHost}:${new URL(httpUrl).port}`;
  console.info(
    `punktfunk host: management API on ${httpUrl}${API_BASE_PATH} and ${httpsUrl}${API_BASE_PATH} (TLS)`,
  );
  console.info(`punktfunk host: console ${consoleUrl}/ — sign in with ${consoleUrl}/#token=${token.token}`);
  const where = token.path ? `${token.path} (${token.source})` : 'PUNKTFUNK_MGMT_TOKEN';
  console.info(`punktfunk host: the management token is in ${where}`);
  if (!LOOPBACK.has(mgmt.bind)) {
    console.warn(
      `punktfunk host: plain HTTP is bound to ${mgmt.bind}: the token crosses the network unencrypted; use the TLS port from other machines`,
    );
  }
}

async function startServices(mgmt: ManagementConfig, probe: EngineProbe): Promise<Services> {
  const identity = await loadOrCreateIdentity(mgmt.configDir, mgmt.hostName, console);
  const pairedClients = await PairedClients.open(join(mgmt.configDir, 'paired-clients.json'), console);
  // The one recorder of this process. The streaming paths get it too: they
  // mirror recorder.onArmedChange into their workers' control block and relay
  // worker messages to noteSession / noteSessionEnd / addSample.
  const recorder = await StatsRecorder.open({
    dir: mgmt.capturesDir,
    nowMonoUs: monotonicUs,
    host: { name: identity.hostName, version: HOST_VERSION },
    log: console,
  });
  const token = await loadOrCreateToken(mgmt.token, mgmt.configDir, console);
  const app = createApi({
    recorder,
    host: {
      name: identity.hostName,
      version: HOST_VERSION,
      uniqueId: identity.uniqueId,
      certFingerprintSha256: identity.certFingerprintSha256,
    },
    // The streaming side replaces this with what its paths know.
    statusProvider: () => ({
      encoderBackend: probe.encoder.backend,
      encoderName: probe.encoder.encoderName,
      sessions: recorder.sessions(),
    }),
    tickets: new EventTickets(),
    auth: { token: token.token, pairedClients },
    log: console,
  });
  const servers = await listenApi(app, { ...mgmt, certPem: identity.certPem, keyPem: identity.keyPem });
  announce(mgmt, servers.httpUrl, servers.httpsUrl, token);
  return {
    close: async () => {
      // An armed capture is saved, not lost, when the host stops.
      await recorder.stop().catch((error: Error) => console.error(`punktfunk host: ${error.message}`));
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
    services = startServices(mgmt, probe).catch((error) => {
      clearInterval(keepAlive);
      fail(error);
      return null;
    });
  } catch (error) {
    clearInterval(keepAlive);
    fail(error);
  }
}

main();
