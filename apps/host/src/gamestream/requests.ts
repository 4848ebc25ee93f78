// Every GameStream request, on either lane, goes through here: the path
// picks the handler, the query is validated (packages/protocol), and the
// answer is XML. HTTPS routes that start or control a stream demand that
// the certificate presented on this very TLS connection is a paired one.
// Problems are answered as `<root status_code="4xx" status_message="…">`
// with HTTP 200: clients (curl with FAILONERROR in moonlight-embedded)
// show status_message only when the HTTP exchange itself succeeded.

import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  appListXml,
  cancelXml,
  clientUniqueId,
  type DisplayMode,
  GameStreamRequestError,
  launchXml,
  pairedXml,
  parseLaunchRequest,
  parsePairRequest,
  serverInfoXml,
  xmlError,
  xmlReply,
} from '@punktfunk/protocol';
import { type AppRunner, AppStartError } from '../launcher/app-runner.js';
import { appCommand, type GameStreamApp, type GameStreamApps } from './apps.js';
import type { GameStreamPairing } from './pairing.js';
import type { GameStreamSessions } from './sessions.js';

export type Lane = 'http' | 'https';

export interface GameStreamContext {
  uniqueId: string;
  hostName: string;
  ports(): { http: number; https: number; rtsp: number };
  /** ServerCodecModeSupport bits of the codecs the encoder opened at start. */
  codecModeSupport: number;
  displayModes: readonly DisplayMode[];
  gpuType: string;
  pairedClients: {
    has(fingerprint: string): boolean;
    /** The client's name and short fingerprint: how logs and recordings name it (its uniqueid tells nothing apart). */
    label(fingerprint: string): string;
    remove(fingerprint: string): Promise<boolean>;
  };
  pairing: GameStreamPairing;
  apps: GameStreamApps;
  /** Starts an app's command on /launch, stops it on /cancel. */
  appRunner: AppRunner;
  sessions: GameStreamSessions;
  /** True while a client is being streamed to (video flowing or about to). */
  isStreaming(): boolean;
  log(line: string): void;
}

export interface RequestInfo {
  lane: Lane;
  method: string;
  url: string;
  /** SHA-256 of the client certificate on this TLS connection; null on HTTP or without one. */
  peerFingerprint: string | null;
  localAddress: string;
  remoteAddress: string;
  /** Fires when the client closes the connection (ends a wait for the PIN). */
  clientGone: AbortSignal;
}

export interface Reply {
  httpStatus: number;
  body: string;
}

type Handler = (ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams) => Promise<string> | string;

const NOT_PAIRED = 'the client is not paired: its certificate on this connection is unknown to the host';
const ZERO_MAC = '00:00:00:00:00:00';

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) as the plain IPv4 address clients expect. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function macOf(address: string): string {
  for (const list of Object.values(networkInterfaces())) {
    const match = list?.find((entry) => entry.address === address);
    if (match) return match.mac;
  }
  return ZERO_MAC;
}

function isPaired(ctx: GameStreamContext, req: RequestInfo): boolean {
  return req.lane === 'https' && req.peerFingerprint !== null && ctx.pairedClients.has(req.peerFingerprint);
}

/** How the log names a client: its paired name and the start of its certificate's fingerprint. */
/** How the log names the caller: the paired client's label (name and short fingerprint). */
export function clientLabel(
  ctx: Pick<GameStreamContext, 'pairedClients'>,
  fingerprint: string | null,
): string {
  if (fingerprint === null) return 'a client without a certificate';
  return ctx.pairedClients.label(fingerprint);
}

function sessionLabel(session: { appTitle: string; sessionId: string }): string {
  return `${session.appTitle}, session ${session.sessionId.slice(0, 8)}`;
}

function requirePaired(ctx: GameStreamContext, req: RequestInfo): string {
  if (!isPaired(ctx, req)) throw new GameStreamRequestError(401, NOT_PAIRED);
  return req.peerFingerprint as string;
}

function serverInfo(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): string {
  clientUniqueId(query);
  const localIp = plainAddress(req.localAddress);
  const ports = ctx.ports();
  return serverInfoXml({
    hostName: ctx.hostName,
    uniqueId: ctx.uniqueId,
    httpPort: ports.http,
    httpsPort: ports.https,
    mac: macOf(localIp),
    localIp,
    codecModeSupport: ctx.codecModeSupport,
    displayModes: ctx.displayModes,
    gpuType: ctx.gpuType,
    paired: isPaired(ctx, req),
    currentGameId: ctx.sessions.current()?.appId ?? 0,
  });
}

async function pair(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const request = parsePairRequest(query);
  const address = plainAddress(req.remoteAddress);
  switch (request.phase) {
    case 'getservercert':
      return ctx.pairing.getServerCert(request, address, req.clientGone);
    case 'clientchallenge':
      return ctx.pairing.clientChallenge(request, address);
    case 'serverchallengeresp':
      return ctx.pairing.serverChallengeResponse(request, address);
    case 'clientpairingsecret':
      return ctx.pairing.clientPairingSecret(request, address);
    case 'pairchallenge':
      // Phase 5 proves the stored certificate opens the HTTPS lane.
      if (req.lane !== 'https') throw new GameStreamRequestError(400, 'pairchallenge is sent over HTTPS');
      return pairedXml(isPaired(ctx, req));
  }
}

/**
 * Over HTTP there is no proof of who asks, so /unpair only ends that
 * client's pairing in progress (what clients do after a failed pairing).
 * Over HTTPS it also forgets the certificate presented on the connection.
 */
async function unpair(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const uniqueId = clientUniqueId(query);
  ctx.pairing.cancel(uniqueId, plainAddress(req.remoteAddress));
  if (isPaired(ctx, req)) {
    const label = ctx.pairedClients.label(req.peerFingerprint as string);
    await ctx.pairedClients.remove(req.peerFingerprint as string);
    ctx.log(`GameStream client ${label} unpaired itself`);
  }
  return xmlReply([]);
}

function appList(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): string {
  requirePaired(ctx, req);
  clientUniqueId(query);
  return appListXml(ctx.apps.list());
}

/** Where the client finds RTSP (it falls back to 48010 without it): the address it reached us on. */
function sessionUrl(ctx: GameStreamContext, req: RequestInfo): string {
  const local = plainAddress(req.localAddress);
  const host = isIPv6(local) ? `[${local}]` : local;
  return `rtsp://${host}:${ctx.ports().rtsp}`;
}

async function launch(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const fingerprint = requirePaired(ctx, req);
  const request = parseLaunchRequest(query);
  const app = ctx.apps.find(request.appId);
  if (!app) throw new GameStreamRequestError(404, `no app with id ${request.appId}`);
  const { uniqueId, appId, ...stream } = request;
  // The record first: it is the one-at-a-time guard, taken before anything starts.
  const session = ctx.sessions.launch({
    ...stream,
    appId,
    appTitle: app.title,
    clientUniqueId: uniqueId,
    clientFingerprint: fingerprint,
    clientLabel: ctx.pairedClients.label(fingerprint),
    clientAddress: plainAddress(req.remoteAddress),
  });
  if (!session) {
    const running = ctx.sessions.current();
    const another = running?.clientFingerprint !== fingerprint;
    if (another && ctx.isStreaming())
      throw new GameStreamRequestError(503, 'the host is busy streaming to another client');
    if (another)
      throw new GameStreamRequestError(
        409,
        "another client's app is running; it (or the host's operator) must quit it first",
      );
    throw new GameStreamRequestError(409, 'an app is running already; resume or quit it first');
  }
  await startAppCommand(ctx, app, session.sessionId);
  ctx.log(
    `GameStream /launch by ${clientLabel(ctx, fingerprint)} from ${session.clientAddress}: ` +
      `${request.width}x${request.height}@${request.fps} (${sessionLabel(session)})`,
  );
  return launchXml('launch', sessionUrl(ctx, req));
}

/** Starts the app's command, if it has one; a command that cannot start ends the launch record again. */
async function startAppCommand(ctx: GameStreamContext, app: GameStreamApp, sessionId: string): Promise<void> {
  const command = appCommand(app);
  if (!command) return;
  try {
    await ctx.appRunner.start(command);
  } catch (error) {
    if (ctx.sessions.current()?.sessionId === sessionId) ctx.sessions.cancel();
    if (!(error instanceof AppStartError)) throw error;
    throw new GameStreamRequestError(500, `${app.title} could not start: ${error.message}`);
  }
  if (ctx.sessions.current()?.sessionId !== sessionId) {
    // Quit while the command was starting: the quit found nothing to stop yet.
    await ctx.appRunner.stop('the launch was cancelled while it started');
    throw new GameStreamRequestError(409, 'the launch was cancelled');
  }
}

function resume(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): string {
  const fingerprint = requirePaired(ctx, req);
  const request = parseLaunchRequest(query);
  const running = ctx.sessions.current();
  if (!running) throw new GameStreamRequestError(409, 'no app is running; launch one');
  if (running.clientFingerprint !== fingerprint) {
    // A client resumes only its own session: a second client may not take over a live one, nor an idle one.
    if (ctx.isStreaming())
      throw new GameStreamRequestError(503, 'the host is busy streaming to another client');
    throw new GameStreamRequestError(
      409,
      "the running app is another client's; it (or the host's operator) must quit it first",
    );
  }
  if (running.appId !== request.appId) {
    throw new GameStreamRequestError(409, `app ${running.appId} is running, not ${request.appId}`);
  }
  const { width, height, fps, rikey, rikeyId, surroundAudioInfo, localAudioPlayMode } = request;
  const clientAddress = plainAddress(req.remoteAddress);
  ctx.sessions.resume({
    width,
    height,
    fps,
    rikey,
    rikeyId,
    surroundAudioInfo,
    localAudioPlayMode,
    clientAddress,
    clientLabel: ctx.pairedClients.label(fingerprint),
  });
  ctx.log(
    `GameStream /resume by ${clientLabel(ctx, fingerprint)} from ${clientAddress}: ` +
      `${width}x${height}@${fps} (${sessionLabel(running)})`,
  );
  return launchXml('resume', sessionUrl(ctx, req));
}

/** Quit: a client ends only its own session (the operator ends any, through the management API). */
async function cancel(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const fingerprint = requirePaired(ctx, req);
  clientUniqueId(query);
  const running = ctx.sessions.current();
  if (running && running.clientFingerprint !== fingerprint) {
    throw new GameStreamRequestError(
      503,
      "the running session is another client's; only that client or the host's operator can end it",
    );
  }
  const who = clientLabel(ctx, fingerprint);
  if (running && ctx.sessions.cancel(running.sessionId)) {
    ctx.log(`GameStream /cancel by ${who}: it ended its session (${sessionLabel(running)})`);
  } else {
    ctx.log(`GameStream /cancel by ${who}: no session was running`);
  }
  // Answered once the app is gone, so a launch right after the quit never finds it still running.
  await ctx.appRunner.stop('the client quit');
  return cancelXml();
}

const ROUTES: Record<Lane, Record<string, Handler>> = {
  http: { '/serverinfo': serverInfo, '/pair': pair, '/unpair': unpair },
  https: {
    '/serverinfo': serverInfo,
    '/pair': pair,
    '/unpair': unpair,
    '/applist': appList,
    '/launch': launch,
    '/resume': resume,
    '/cancel': cancel,
  },
};

function route(req: RequestInfo): { handler: Handler; query: URLSearchParams } | Reply {
  if (req.method !== 'GET') return { httpStatus: 405, body: xmlError(405, 'GameStream requests are GET') };
  let url: URL;
  try {
    url = new URL(req.url, 'http://gamestream.invalid');
  } catch {
    return { httpStatus: 400, body: xmlError(400, 'the request URL cannot be read') };
  }
  const handler = ROUTES[req.lane][url.pathname];
  if (handler) return { handler, query: url.searchParams };
  const onHttps = req.lane === 'http' && ROUTES.https[url.pathname] !== undefined;
  const message = onHttps ? `${url.pathname} is served over HTTPS only` : `no such GameStream request`;
  return { httpStatus: 404, body: xmlError(404, message) };
}

/** Every refusal is logged with who asked (pairing logs its own outcomes). */
function logRefusal(ctx: GameStreamContext, req: RequestInfo, error: GameStreamRequestError): void {
  const path = req.url.split('?')[0] ?? '';
  if (path === '/pair') return;
  const who = clientLabel(ctx, req.peerFingerprint);
  ctx.log(
    `GameStream ${path} by ${who} from ${plainAddress(req.remoteAddress)} refused (${error.statusCode}): ${error.message}`,
  );
}

export async function handleGameStreamRequest(ctx: GameStreamContext, req: RequestInfo): Promise<Reply> {
  const routed = route(req);
  if ('httpStatus' in routed) return routed;
  try {
    return { httpStatus: 200, body: await routed.handler(ctx, req, routed.query) };
  } catch (error) {
    if (error instanceof GameStreamRequestError) {
      logRefusal(ctx, req, error);
      return { httpStatus: 200, body: xmlError(error.statusCode, error.message) };
    }
    ctx.log(`GameStream ${req.lane} ${req.url.split('?')[0]} failed: ${(error as Error).stack ?? error}`);
    return { httpStatus: 500, body: xmlError(500, 'internal error') };
  }
}
