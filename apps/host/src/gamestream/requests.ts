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
import { modeText, virtualModeRule } from '../desktop/virtual/mode-limits.js';
import type { AppRunner } from '../launcher/app-runner.js';
import type { GameStreamApp, GameStreamApps } from './apps.js';
import { startLaunchApp } from './launch-app.js';
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
  /** The runner of a slot's app: started on /launch (or on its virtual display), stopped on /cancel. */
  appRunnerFor(slot: number): AppRunner;
  /** One launch record per client (certificate), each in its slot. */
  sessions: GameStreamSessions;
  /** Opens a slot's RTSP and control lanes (once); its RTSP port goes into sessionUrl0. */
  openSlot(slot: number): Promise<{ rtspPort: number }>;
  /** After its record was cancelled: stops the slot's app, resolves once it and the stream are gone (the worker's end recorded). */
  launchGone(slot: number, why: string): Promise<void>;
  /** Why one more session is refused now (PUNKTFUNK_MAX_SESSIONS over both paths), or null. */
  overSessionCap(): string | null;
  /** The app's display: its apps.json `display`, else the host's default. */
  displayModeOf(app: GameStreamApp): 'desktop' | 'virtual';
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
    // The caller's own session: another client's does not make this one busy.
    currentGameId: (req.peerFingerprint && ctx.sessions.forClient(req.peerFingerprint)?.appId) || 0,
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

/** Where the client finds its session's RTSP lane (it falls back to 48010 without it): the address it reached us on. */
function sessionUrl(req: RequestInfo, rtspPort: number): string {
  const local = plainAddress(req.localAddress);
  const host = isIPv6(local) ? `[${local}]` : local;
  return `rtsp://${host}:${rtspPort}`;
}

/** The slot's lanes for a new launch; a slot whose ports cannot be opened ends the launch again. */
async function openSlotFor(
  ctx: GameStreamContext,
  session: { sessionId: string; slot: number },
): Promise<number> {
  try {
    return (await ctx.openSlot(session.slot)).rtspPort;
  } catch (error) {
    ctx.sessions.cancel(session.sessionId);
    throw new GameStreamRequestError(503, `no ports for another session: ${(error as Error).message}`);
  }
}

async function launch(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const fingerprint = requirePaired(ctx, req);
  const request = parseLaunchRequest(query);
  const app = ctx.apps.find(request.appId);
  if (!app) throw new GameStreamRequestError(404, `no app with id ${request.appId}`);
  const { uniqueId, appId, ...stream } = request;
  if (ctx.sessions.forClient(fingerprint))
    throw new GameStreamRequestError(409, 'an app is running already; resume or quit it first');
  const over = ctx.overSessionCap();
  if (over) throw new GameStreamRequestError(503, over);
  const rule = ctx.displayModeOf(app) === 'virtual' ? virtualModeRule(stream) : null;
  if (rule) throw new GameStreamRequestError(400, `no virtual display can be ${modeText(stream)}: ${rule}`);
  // The record first: it holds the client's slot before anything starts.
  const session = ctx.sessions.launch({
    ...stream,
    appId,
    appTitle: app.title,
    clientUniqueId: uniqueId,
    clientFingerprint: fingerprint,
    clientLabel: ctx.pairedClients.label(fingerprint),
    clientAddress: plainAddress(req.remoteAddress),
  });
  if (!session) throw new GameStreamRequestError(503, 'every session slot is taken');
  const rtspPort = await openSlotFor(ctx, session);
  // A virtual display's app starts once its display is open (at the first stream), on it.
  if (ctx.displayModeOf(app) === 'desktop') {
    try {
      await startLaunchApp(ctx, app, session);
    } catch (error) {
      ctx.sessions.cancel(session.sessionId);
      throw error;
    }
  }
  ctx.log(
    `GameStream /launch by ${clientLabel(ctx, fingerprint)} from ${session.clientAddress}: ` +
      `${request.width}x${request.height}@${request.fps} (${sessionLabel(session)}) on RTSP port ${rtspPort}`,
  );
  return launchXml('launch', sessionUrl(req, rtspPort));
}

async function resume(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const fingerprint = requirePaired(ctx, req);
  const request = parseLaunchRequest(query);
  // A client resumes only its own session: another client's never shows here.
  const running = ctx.sessions.forClient(fingerprint);
  if (!running) throw new GameStreamRequestError(409, 'no app is running; launch one');
  if (running.appId !== request.appId) {
    throw new GameStreamRequestError(409, `app ${running.appId} is running, not ${request.appId}`);
  }
  const { width, height, fps, rikey, rikeyId, surroundAudioInfo, localAudioPlayMode } = request;
  const clientAddress = plainAddress(req.remoteAddress);
  ctx.sessions.resume(fingerprint, {
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
  const { rtspPort } = await ctx.openSlot(running.slot);
  ctx.log(
    `GameStream /resume by ${clientLabel(ctx, fingerprint)} from ${clientAddress}: ` +
      `${width}x${height}@${fps} (${sessionLabel(running)})`,
  );
  return launchXml('resume', sessionUrl(req, rtspPort));
}

/** Quit: a client ends only its own session (the operator ends any, through the management API). */
async function cancel(ctx: GameStreamContext, req: RequestInfo, query: URLSearchParams): Promise<string> {
  const fingerprint = requirePaired(ctx, req);
  clientUniqueId(query);
  // Only the caller's own session: other clients' sessions are never touched.
  const running = ctx.sessions.forClient(fingerprint);
  const who = clientLabel(ctx, fingerprint);
  if (running && ctx.sessions.cancel(running.sessionId)) {
    ctx.log(`GameStream /cancel by ${who}: it ended its session (${sessionLabel(running)})`);
    // Answered once the app and the stream are gone, so a launch right after the quit never finds either running.
    await ctx.launchGone(running.slot, 'the client quit');
  } else {
    ctx.log(`GameStream /cancel by ${who}: it had no session running`);
  }
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
