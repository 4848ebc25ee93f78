// The host process entry: reads and checks the whole configuration, checks
// the media engine, then opens (each with its closer, so a failed start-up
// closes what it opened, newest first) the recorder, the management API, the
// shared streaming core and both protocol services side by side: pf1 and
// GameStream. Runs until SIGINT/SIGTERM.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monotonicUs, releaseFreeMemory } from '@punktfunk/native';
import { API_BASE_PATH } from '@punktfunk/shared';
import { serveConsole } from './api/console.js';
import { createApi, EventTickets, listenApi, loadOrCreateToken, type MgmtToken } from './api/index.js';
import { ConfigError, type HostConfig, loadHostConfig, type ManagementConfig } from './config/index.js';
import { DesktopOpener } from './desktop/desktop-opener.js';
import { type EngineProbe, probeEngine } from './engine-probe.js';
import { type GameStreamService, startGameStreamService } from './gamestream/service.js';
import { type HostIdentity, loadOrCreateIdentity } from './identity/host-identity.js';
import { PairedClients } from './identity/paired-clients.js';
import { type Closers, openAll } from './lifecycle/closers.js';
import { createMetrics, type PunktfunkMetrics } from './metrics/index.js';
import type { GuardSettings } from './net/connection-guard.js';
import { checkOpenFileLimit } from './net/fd-limit.js';
import { PeerFailureLog } from './net/peer-failures.js';
import { PendingPairings } from './pairing/pending-pairings.js';
import { startPf1Service } from './pf1/service.js';
import { StatsRecorder } from './recorder/index.js';
import type { SessionManager } from './streaming/core/session-manager.js';
import { createStreamingCore } from './streaming/core/streaming-core.js';
import { HostTelemetry } from './telemetry/host-telemetry.js';

const HOST_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
const LOOPBACK = new Set(['127.0.0.1', '::1']);
/** Every line of the host's log: ISO time (UTC, ms), then the message. */
const stamped = (message: string) => `${new Date().toISOString()} punktfunk host: ${message}`;
const log = {
  info: (message: string) => console.info(stamped(message)),
  warn: (message: string) => console.warn(stamped(message)),
  error: (message: string) => console.error(stamped(message)),
};

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

interface ApiDeps {
  identity: HostIdentity;
  pairedClients: PairedClients;
  recorder: StatsRecorder;
  pendingPairings: PendingPairings;
  probe: EngineProbe;
  gamestream: () => GameStreamService | null;
  desktops: DesktopOpener;
  guard: GuardSettings;
  metrics: PunktfunkMetrics;
  /** The operator ends a running session (any client's). */
  endSession(sessionId: string): Promise<boolean>;
}

/** The management API and the console on their two listeners. */
async function startApi(mgmt: ManagementConfig, d: ApiDeps): Promise<{ close(): Promise<void> }> {
  const token = await loadOrCreateToken(mgmt.token, mgmt.configDir, log);
  const app = createApi({
    recorder: d.recorder,
    host: {
      name: d.identity.hostName,
      version: HOST_VERSION,
      uniqueId: d.identity.uniqueId,
      certFingerprintSha256: d.identity.certFingerprintSha256,
    },
    statusProvider: () => ({
      encoderBackend: d.probe.encoder.backend,
      encoderName: d.probe.encoder.encoderName,
      sessions: d.recorder.sessions(),
      desktop: d.desktops.status(),
    }),
    tickets: new EventTickets(),
    pairings: d.pendingPairings,
    pairedClients: d.pairedClients,
    gamestreamApps: () => d.gamestream()?.apps.list() ?? null,
    sessions: { end: (sessionId) => d.endSession(sessionId) },
    auth: { token: token.token, pairedClients: d.pairedClients },
    allowedHosts: mgmt.allowedHosts,
    metrics: d.metrics.endpoint,
    // The web console, built by `pnpm run build:console` (apps/console/dist).
    console: serveConsole(fileURLToPath(new URL('../../console/dist/', import.meta.url))),
    log,
  });
  const servers = await listenApi(app, {
    ...mgmt,
    certPem: d.identity.certPem,
    keyPem: d.identity.keyPem,
    guard: d.guard,
  });
  announce(mgmt, servers.httpUrl, servers.httpsUrl, token);
  return servers;
}

/** Failures of peers on every listener, summed up once per interval. */
function openPeerFailures(config: HostConfig, closers: Closers): PeerFailureLog {
  const failures = new PeerFailureLog({
    intervalMs: config.listeners.peerLogIntervalMs,
    log: log.warn,
    // glibc would keep the freed TLS state of a flood's connections for good (BENCHMARKS.md).
    afterFailures: () => void releaseFreeMemory(),
  });
  closers.push(() => failures.close());
  return failures;
}

/**
 * The one recorder of this process. The streaming core gets it too: it
 * mirrors recorder.onArmedChange into the workers' control block and relays
 * worker messages to noteSession / noteSessionEnd / addSample.
 */
async function openRecorder(
  mgmt: HostConfig['management'],
  hostName: string,
  closers: Closers,
): Promise<StatsRecorder> {
  const recorder = await StatsRecorder.open({
    dir: mgmt.capturesDir,
    nowMonoUs: monotonicUs,
    host: { name: hostName, version: HOST_VERSION },
    log,
    // A capture the captures directory refuses at shutdown goes here (or to the OS temp dir).
    unsavedDir: join(mgmt.configDir, 'captures-unsaved'),
  });
  // An armed capture, and any whose save failed, is saved (or written elsewhere, named in the log), never dropped.
  closers.push(() => recorder.shutdown());
  // Host CPU, load, memory and GPU once a second, only while a capture is armed.
  const telemetry = new HostTelemetry({ recorder, nowMonoUs: monotonicUs, log: log.info });
  closers.push(() => telemetry.close());
  return recorder;
}

/** GET /metrics and the optional OTLP push (docs/fleet.md). */
function openMetrics(
  config: HostConfig,
  probe: EngineProbe,
  d: { hostName: string; recorder: StatsRecorder; pendingPairings: PendingPairings },
  closers: Closers,
): PunktfunkMetrics {
  const metrics = createMetrics({
    config: config.management.metrics,
    info: { host: d.hostName, version: HOST_VERSION, encoder: probe.encoder.encoderName ?? 'unknown' },
    captureArmed: () => d.recorder.isArmed(),
    pairings: d.pendingPairings,
    log: log.info,
  });
  closers.push(() => metrics.close());
  return metrics;
}

/** The operator ends any client's session from the console or the API. */
async function operatorEndsSession(
  sessionId: string,
  gamestream: GameStreamService | null,
  manager: SessionManager | null,
): Promise<boolean> {
  // A GameStream stream ends with its launch record (the client's app quits, as Moonlight's quit would).
  if (await gamestream?.endStream(sessionId)) return true;
  const session = manager?.list().find((s) => s.sessionId === sessionId);
  if (!session) return false;
  log.info(`the operator ended session ${sessionId} (${session.kind}, ${session.client ?? 'no client'})`);
  await session.stop();
  return true;
}

/** PUNKTFUNK_MAX_SESSIONS counts both paths: punktfunk/1 streams and GameStream launch records. */
function sessionsInUse(manager: SessionManager, gamestream: GameStreamService | null): number {
  return manager.list().filter((s) => s.kind !== 'gamestream').length + (gamestream?.sessions.count() ?? 0);
}

/** Decided again per session (a display may come up later); said now so the operator sees what they will get. */
function logWhatStreamsShow(desktops: DesktopOpener, capture: string): void {
  const preview = desktops.preview();
  // The synthetic and X11 descriptions already name the setting.
  const setting = `PUNKTFUNK_CAPTURE=${capture}`;
  log.info(`streams show ${preview}${preview.includes(setting) ? '' : ` (${setting})`}`);
}

/** Opens everything, pushing each closer right after its thing opened. */
async function startHost(config: HostConfig, probe: EngineProbe, closers: Closers): Promise<void> {
  const mgmt = config.management;
  const failures = openPeerFailures(config, closers);
  checkOpenFileLimit(config.listeners, log);
  const publicGuard = { limits: config.listeners.publicLimits, failures };
  const identity = await loadOrCreateIdentity(mgmt.configDir, mgmt.hostName, log);
  const pairedClients = await PairedClients.open(join(mgmt.configDir, 'paired-clients.json'), log);
  const recorder = await openRecorder(mgmt, identity.hostName, closers);
  // Pairing requests of every kind wait here for the operator's PIN.
  const pendingPairings = new PendingPairings();
  const metrics = openMetrics(
    config,
    probe,
    { hostName: identity.hostName, recorder, pendingPairings },
    closers,
  );
  let gamestream: GameStreamService | null = null;
  let manager: SessionManager | null = null;
  const desktop = config.desktop;
  const desktops = new DesktopOpener({ desktop, configDir: mgmt.configDir, log: log.info });
  const api = await startApi(mgmt, {
    desktops,
    identity,
    pairedClients,
    recorder,
    pendingPairings,
    probe,
    gamestream: () => gamestream,
    guard: { limits: config.listeners.managementLimits, failures },
    metrics,
    endSession: (sessionId) => operatorEndsSession(sessionId, gamestream, manager),
  });
  closers.push(() => api.close());
  logWhatStreamsShow(desktops, desktop.capture);
  const core = createStreamingCore({
    recorder,
    perf: config.engine.perf,
    metrics: metrics.sessions,
    log: log.info,
  });
  closers.push(() => core.close());
  manager = core.sessions;
  const shared = {
    engine: config.engine,
    streamCaps: config.streamCaps,
    desktop,
    desktops,
    encoderName: probe.encoder.encoderName,
    log: log.info,
  };
  const pf1 = await startPf1Service({
    ...shared,
    config: config.pf1,
    sessions: core.sessions,
    sessionsInUse: () => sessionsInUse(core.sessions, gamestream),
    cert: identity.certPem,
    key: identity.keyPem,
    isPaired: (fingerprint) => pairedClients.has(fingerprint),
    pairedLabel: (fingerprint) => (pairedClients.has(fingerprint) ? pairedClients.label(fingerprint) : null),
    pairing: { broker: pendingPairings, store: pairedClients },
    guard: publicGuard,
  });
  closers.push(() => pf1.close());
  const started = await startGameStreamService({
    ...shared,
    config: config.gamestream,
    configDir: mgmt.configDir,
    identity,
    pairedClients,
    pending: pendingPairings,
    manager: core.sessions,
    guard: publicGuard,
    // The host default for apps without their own `display` in apps.json.
    displayMode: desktop.displayMode,
  });
  if (started) closers.push(() => started.close());
  gamestream = started;
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const what = error instanceof ConfigError ? 'configuration' : 'start-up';
  log.error(`${what} failed: ${message}`);
  process.exitCode = 1;
}

function main(): void {
  // Handlers first: a stop request during start-up must still end cleanly.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let running: Promise<Closers | null> = Promise.resolve(null);
  const stop = (signal: string) => {
    log.info(`${signal}, stopping`);
    clearInterval(keepAlive);
    void running.then((closers) => closers?.close().catch((error: Error) => log.error(error.message)));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    // Every setting is read and checked here, before anything listens.
    const config = loadHostConfig(process.env);
    const probe = probeEngine(config.engine, log);
    const engine = config.engine;
    log.info(
      `engine ready, ${engine.width}x${engine.height}@${engine.fps} ` +
        `${engine.codec} via ${probe.encoder.encoderName}; first frame ${probe.firstFrameBytes} bytes ` +
        `in ${(probe.firstFrameUs / 1000).toFixed(1)} ms`,
    );
    const onCloseError = (error: unknown) => log.error(`closing after a failed start: ${String(error)}`);
    running = openAll((closers) => startHost(config, probe, closers), onCloseError).then(
      ({ closers }) => closers,
      (error) => {
        clearInterval(keepAlive);
        fail(error);
        // What had opened is closed again (openAll); a handle missed there must
        // not keep a half-started host alive, so it exits outright.
        process.exit(1);
      },
    );
  } catch (error) {
    clearInterval(keepAlive);
    fail(error);
  }
}

main();
