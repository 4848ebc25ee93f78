// The host's side of one RTSP handshake, for one launch: OPTIONS, DESCRIBE,
// SETUP audio / video / control, ANNOUNCE, PLAY. Each TCP connection carries
// one request, so this object (not the connection) holds where the client is.
// handle() never throws: anything wrong becomes an RTSP error status.
import { RtspError, type RtspRequest, type RtspResponse, rtspErrorResponse } from './rtsp.js';
import { type AnnouncedStream, buildDescribeSdp, type HostSdpOptions, parseAnnounceSdp } from './sdp.js';

export type RtspStreamKind = 'audio' | 'video' | 'control';
export type RtspStage = 'idle' | 'options' | 'described' | 'setup' | 'announced' | 'playing' | 'stopped';

export interface RtspSessionOptions {
  /**
   * The value of every `Session:` reply header, and what later requests must
   * carry. At most 15 characters: older moonlight-common-c copies it into a
   * 16-byte buffer.
   */
  sessionToken: string;
  /** Exactly 16 characters; the client puts it in its UDP pings so the host knows which session they are for. */
  pingPayload: string;
  /** ENet connect data (uint32) the client must present on the control stream. */
  controlConnectData: number;
  serverPorts: Record<RtspStreamKind, number>;
  sdp: HostSdpOptions;
  /**
   * The host's own check of an ANNOUNCE it could parse (what its encoder and
   * sender accept, what it has capacity for): throws an RtspError to refuse,
   * so the client hears it now and not as a failed stream after PLAY.
   */
  checkStream?(stream: AnnouncedStream): void;
}

export interface RtspSessionState {
  stage: RtspStage;
  setUp: Set<RtspStreamKind>;
  announced: AnnouncedStream | null;
  requests: number;
  rejected: number;
}

export type RtspEvent =
  /** A stream was set up: the client may ping its port from now on (audio does at once). */
  | { kind: 'setup'; stream: RtspStreamKind }
  | { kind: 'announced'; stream: AnnouncedStream }
  | { kind: 'play' }
  | null;

export interface RtspHandled {
  response: RtspResponse;
  event: RtspEvent;
}

export interface RtspSession {
  readonly state: Readonly<RtspSessionState>;
  start(): void;
  stop(): void;
  handle(request: RtspRequest): RtspHandled;
}

const PING_PAYLOAD = /^[\x21-\x7e]{16}$/;
const SETUP_TARGET = /(?:^|\/)streamid=(audio|video|control)\/\d+\/\d+$/;
function validateOptions(o: RtspSessionOptions): void {
  if (!PING_PAYLOAD.test(o.pingPayload)) throw new RangeError('pingPayload must be 16 printable characters');
  if (
    !Number.isInteger(o.controlConnectData) ||
    o.controlConnectData < 0 ||
    o.controlConnectData > 0xffffffff
  ) {
    throw new RangeError('controlConnectData must be a uint32');
  }
  if (!/^[A-Za-z0-9]{1,64}$/.test(o.sessionToken))
    throw new RangeError('sessionToken must be 1..64 letters or digits');
}

export function createRtspSession(options: RtspSessionOptions): RtspSession {
  validateOptions(options);
  const state: RtspSessionState = {
    stage: 'idle',
    setUp: new Set(),
    announced: null,
    requests: 0,
    rejected: 0,
  };
  return {
    state,
    start() {
      if (state.stage === 'stopped') throw new Error('an RTSP session cannot be restarted');
    },
    stop() {
      state.stage = 'stopped';
    },
    handle(request) {
      state.requests += 1;
      try {
        return dispatch(options, state, request);
      } catch (error) {
        state.rejected += 1;
        const rtspError =
          error instanceof RtspError
            ? error
            : new RtspError(500, `internal error: ${(error as Error).message}`);
        return { response: rtspErrorResponse(request.cseq, rtspError), event: null };
      }
    },
  };
}

function dispatch(o: RtspSessionOptions, state: RtspSessionState, request: RtspRequest): RtspHandled {
  if (state.stage === 'stopped') throw new RtspError(454, 'the session has ended');
  switch (request.method) {
    case 'OPTIONS':
      return onOptions(state, request);
    case 'DESCRIBE':
      return onDescribe(o, state, request);
    case 'SETUP':
      return onSetup(o, state, request);
    case 'ANNOUNCE':
      return onAnnounce(o, state, request);
    case 'PLAY':
      return onPlay(o, state, request);
    default:
      throw new RtspError(501, `method ${request.method.slice(0, 20)} is not supported`);
  }
}

const ok = (request: RtspRequest, headers: [string, string][] = [], body?: string): RtspHandled => ({
  response: { statusCode: 200, cseq: request.cseq, headers, ...(body === undefined ? {} : { body }) },
  event: null,
});

function outOfOrder(request: RtspRequest, state: RtspSessionState, needs: string): RtspError {
  return new RtspError(455, `${request.method} needs ${needs} first (the handshake is at '${state.stage}')`);
}

/** Requests after the first SETUP may name the session; a wrong name is refused, a missing one tolerated. */
function checkSessionHeader(o: RtspSessionOptions, request: RtspRequest): void {
  const session = request.headers.get('session');
  if (session === undefined) return;
  const id = session.split(';')[0]?.trim();
  if (id !== o.sessionToken) throw new RtspError(454, `unknown session '${(id ?? '').slice(0, 64)}'`);
}

function onOptions(state: RtspSessionState, request: RtspRequest): RtspHandled {
  // A client that starts over (its earlier attempt failed half-way) begins with OPTIONS again.
  if (state.stage !== 'playing') {
    state.stage = 'options';
    state.setUp.clear();
    state.announced = null;
  }
  return ok(request, [['Public', 'OPTIONS, DESCRIBE, SETUP, ANNOUNCE, PLAY']]);
}

function onDescribe(o: RtspSessionOptions, state: RtspSessionState, request: RtspRequest): RtspHandled {
  if (state.stage !== 'options' && state.stage !== 'described') throw outOfOrder(request, state, 'OPTIONS');
  state.stage = 'described';
  return ok(request, [['Content-Type', 'application/sdp']], buildDescribeSdp(o.sdp));
}

function onSetup(o: RtspSessionOptions, state: RtspSessionState, request: RtspRequest): RtspHandled {
  if (state.stage !== 'described' && state.stage !== 'setup') throw outOfOrder(request, state, 'DESCRIBE');
  const kind = SETUP_TARGET.exec(request.target)?.[1] as RtspStreamKind | undefined;
  if (!kind) throw new RtspError(404, `unknown stream '${request.target.slice(0, 80)}'`);
  checkSessionHeader(o, request);
  state.stage = 'setup';
  state.setUp.add(kind);
  const headers: [string, string][] = [
    // The client keeps what precedes ';' and sends it back on later requests.
    ['Session', `${o.sessionToken};timeout = 90`],
    ['Transport', `server_port=${o.serverPorts[kind]}`],
  ];
  if (kind === 'control') headers.push(['X-SS-Connect-Data', String(o.controlConnectData >>> 0)]);
  else headers.push(['X-SS-Ping-Payload', o.pingPayload]);
  return { ...ok(request, headers), event: { kind: 'setup', stream: kind } };
}

function onAnnounce(o: RtspSessionOptions, state: RtspSessionState, request: RtspRequest): RtspHandled {
  const missing = (['audio', 'video', 'control'] as const).filter((kind) => !state.setUp.has(kind));
  if (state.stage !== 'setup' || missing.length > 0) {
    throw outOfOrder(request, state, `SETUP of ${missing.join(', ') || 'every stream'}`);
  }
  checkSessionHeader(o, request);
  if (request.body.length === 0) throw new RtspError(400, 'ANNOUNCE has no SDP body');
  const stream = parseAnnounceSdp(request.body.toString('utf8'));
  checkNegotiable(o.sdp, stream);
  o.checkStream?.(stream);
  state.stage = 'announced';
  state.announced = stream;
  return { ...ok(request), event: { kind: 'announced', stream } };
}

/** The client may only turn on what the host offered, and must turn on what it asked for. */
function checkNegotiable(sdp: HostSdpOptions, stream: AnnouncedStream): void {
  if ((stream.codec === 'hevc' && !sdp.hevc) || (stream.codec === 'av1' && !sdp.av1)) {
    throw new RtspError(415, `codec ${stream.codec} was not offered`);
  }
  const unsupported = stream.encryptionEnabled & ~sdp.encryptionSupported;
  if (unsupported !== 0)
    throw new RtspError(400, `encryption bits 0x${unsupported.toString(16)} were not offered`);
  const refused = sdp.encryptionRequested & ~stream.encryptionEnabled;
  if (refused !== 0) {
    throw new RtspError(
      403,
      `the host requires encryption bits 0x${refused.toString(16)} (x-ss-general.encryptionEnabled)`,
    );
  }
}

function onPlay(o: RtspSessionOptions, state: RtspSessionState, request: RtspRequest): RtspHandled {
  if (state.stage !== 'announced' && state.stage !== 'playing') throw outOfOrder(request, state, 'ANNOUNCE');
  checkSessionHeader(o, request);
  const first = state.stage === 'announced';
  state.stage = 'playing';
  return {
    ...ok(request, [['Session', `${o.sessionToken};timeout = 90`]]),
    event: first ? { kind: 'play' } : null,
  };
}
