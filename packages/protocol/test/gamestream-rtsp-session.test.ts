// The RTSP handshake state machine, request by request as Moonlight sends
// them; out-of-order and malformed requests get an RTSP status, never a throw.
import { describe, expect, it } from 'vitest';
import {
  createRtspSession,
  type RtspRequest,
  type RtspSessionOptions,
  SS_ENC_CONTROL_V2,
  SS_ENC_VIDEO,
} from '../src/index.js';
import { moonlightAnnounceSdp } from './fixtures/moonlight-announce.js';

const OPTIONS: RtspSessionOptions = {
  sessionToken: 'DEADBEEFCAFE',
  pingPayload: '0123456789abcdef',
  controlConnectData: 0xfe8a1249,
  serverPorts: { audio: 48000, video: 47998, control: 47999 },
  sdp: {
    hevc: false,
    av1: false,
    featureFlags: 0,
    encryptionSupported: SS_ENC_CONTROL_V2,
    encryptionRequested: SS_ENC_CONTROL_V2,
  },
};

let cseq = 0;
function req(method: string, target: string, headers: Record<string, string> = {}, body = ''): RtspRequest {
  cseq += 1;
  const map = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, target, cseq, headers: map, body: Buffer.from(body) };
}
const header = (h: ReadonlyArray<readonly [string, string]> | undefined, name: string) =>
  h?.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

const SESSION = { Session: 'DEADBEEFCAFE' };
function throughSetup(session = createRtspSession(OPTIONS)) {
  session.start();
  session.handle(req('OPTIONS', 'rtsp://10.0.0.2:48010'));
  session.handle(req('DESCRIBE', 'rtsp://10.0.0.2:48010', { Accept: 'application/sdp' }));
  session.handle(req('SETUP', 'streamid=audio/0/0', { Transport: 'unicast;X-GS-ClientPort=50000-50001' }));
  session.handle(req('SETUP', 'streamid=video/0/0', SESSION));
  session.handle(req('SETUP', 'streamid=control/13/0', SESSION));
  return session;
}

describe('RTSP session, the happy path', () => {
  it('answers OPTIONS, DESCRIBE, three SETUPs, ANNOUNCE and PLAY with what Moonlight reads', () => {
    const session = createRtspSession(OPTIONS);
    session.start();
    const options = session.handle(req('OPTIONS', 'rtsp://10.0.0.2:48010'));
    expect(options.response.statusCode).toBe(200);
    expect(options.response.cseq).toBe(cseq);

    const describe_ = session.handle(req('DESCRIBE', 'rtsp://10.0.0.2:48010'));
    expect(describe_.response.statusCode).toBe(200);
    expect(String(describe_.response.body)).toContain('a=x-ss-general.encryptionRequested:1');

    const audio = session.handle(req('SETUP', 'streamid=audio/0/0'));
    expect(header(audio.response.headers, 'Session')).toBe('DEADBEEFCAFE;timeout = 90');
    expect(header(audio.response.headers, 'Transport')).toBe('server_port=48000');
    expect(header(audio.response.headers, 'X-SS-Ping-Payload')).toHaveLength(16);
    // The host binds the stream's port on this event, before the reply: the client pings at once.
    expect(audio.event).toEqual({ kind: 'setup', stream: 'audio' });
    const video = session.handle(req('SETUP', 'streamid=video/0/0', SESSION));
    expect(header(video.response.headers, 'Transport')).toBe('server_port=47998');
    const control = session.handle(req('SETUP', 'streamid=control/13/0', SESSION));
    expect(header(control.response.headers, 'Transport')).toBe('server_port=47999');
    expect(header(control.response.headers, 'X-SS-Connect-Data')).toBe(String(0xfe8a1249));
    expect(header(control.response.headers, 'X-SS-Ping-Payload')).toBeUndefined();

    const announce = session.handle(
      req('ANNOUNCE', 'streamid=control/13/0', SESSION, moonlightAnnounceSdp()),
    );
    expect(announce.response.statusCode).toBe(200);
    expect(announce.event).toMatchObject({ kind: 'announced', stream: { width: 1920, codec: 'h264' } });
    const play = session.handle(req('PLAY', '/', SESSION));
    expect(play.response.statusCode).toBe(200);
    expect(play.event).toEqual({ kind: 'play' });
    expect(session.state.stage).toBe('playing');
    expect(session.state.rejected).toBe(0);
  });

  it('accepts a repeated PLAY and OPTIONS while playing without starting over', () => {
    const session = throughSetup();
    session.handle(req('ANNOUNCE', 'streamid=control/13/0', SESSION, moonlightAnnounceSdp()));
    session.handle(req('PLAY', '/', SESSION));
    expect(session.handle(req('OPTIONS', 'rtsp://x')).response.statusCode).toBe(200);
    const again = session.handle(req('PLAY', '/', SESSION));
    expect(again.response.statusCode).toBe(200);
    expect(again.event).toBeNull();
    expect(session.state.stage).toBe('playing');
  });

  it('lets a client that failed half-way start over with OPTIONS', () => {
    const session = throughSetup();
    expect(session.handle(req('OPTIONS', 'rtsp://x')).response.statusCode).toBe(200);
    expect(session.state.setUp.size).toBe(0);
    expect(session.handle(req('SETUP', 'streamid=audio/0/0')).response.statusCode).toBe(455);
  });
});

describe('RTSP session, refusals', () => {
  const status = (session: ReturnType<typeof createRtspSession>, r: RtspRequest) =>
    session.handle(r).response.statusCode;

  it('refuses requests out of order with 455', () => {
    const session = createRtspSession(OPTIONS);
    session.start();
    expect(status(session, req('DESCRIBE', 'rtsp://x'))).toBe(455);
    expect(status(session, req('SETUP', 'streamid=audio/0/0'))).toBe(455);
    session.handle(req('OPTIONS', 'rtsp://x'));
    session.handle(req('DESCRIBE', 'rtsp://x'));
    session.handle(req('SETUP', 'streamid=audio/0/0'));
    const early = session.handle(req('ANNOUNCE', 'streamid=control/13/0', SESSION, moonlightAnnounceSdp()));
    expect(early.response.statusCode).toBe(455);
    expect(header(early.response.headers, 'X-Punktfunk-Error')).toMatch(/SETUP of video, control/);
    expect(status(session, req('PLAY', '/', SESSION))).toBe(455);
  });

  it('refuses unknown streams (404), wrong sessions (454), unknown methods (501)', () => {
    const session = throughSetup();
    expect(status(session, req('SETUP', 'streamid=mic/0/0', SESSION))).toBe(404);
    expect(status(session, req('SETUP', 'streamid=video/0/0', { Session: 'OTHER' }))).toBe(454);
    expect(status(session, req('TEARDOWN', '/', SESSION))).toBe(501);
    expect(
      status(
        session,
        req('ANNOUNCE', 'streamid=control/13/0', { Session: 'NOPE;x' }, moonlightAnnounceSdp()),
      ),
    ).toBe(454);
  });

  it('refuses a bad ANNOUNCE body and stays where it was', () => {
    const session = throughSetup();
    expect(status(session, req('ANNOUNCE', 'streamid=control/13/0', SESSION))).toBe(400);
    const bad = session.handle(
      req(
        'ANNOUNCE',
        'streamid=control/13/0',
        SESSION,
        moonlightAnnounceSdp({ 'x-nv-video[0].maxFPS': 'x' }),
      ),
    );
    expect(bad.response.statusCode).toBe(400);
    expect(bad.event).toBeNull();
    expect(session.state.stage).toBe('setup');
  });

  it('refuses a codec or encryption the host did not offer, and missing required encryption', () => {
    const hevc = throughSetup();
    expect(
      status(
        hevc,
        req('ANNOUNCE', 'c', SESSION, moonlightAnnounceSdp({ 'x-nv-vqos[0].bitStreamFormat': '1' })),
      ),
    ).toBe(415);
    const video = throughSetup();
    const enc = String(SS_ENC_CONTROL_V2 | SS_ENC_VIDEO);
    expect(
      status(
        video,
        req('ANNOUNCE', 'c', SESSION, moonlightAnnounceSdp({ 'x-ss-general.encryptionEnabled': enc })),
      ),
    ).toBe(400);
    const plain = throughSetup();
    expect(
      status(
        plain,
        req('ANNOUNCE', 'c', SESSION, moonlightAnnounceSdp({ 'x-ss-general.encryptionEnabled': '0' })),
      ),
    ).toBe(403);
    const withHevc = throughSetup(createRtspSession({ ...OPTIONS, sdp: { ...OPTIONS.sdp, hevc: true } }));
    expect(
      status(
        withHevc,
        req('ANNOUNCE', 'c', SESSION, moonlightAnnounceSdp({ 'x-nv-vqos[0].bitStreamFormat': '1' })),
      ),
    ).toBe(200);
  });

  it('answers 454 once stopped, and never throws', () => {
    const session = throughSetup();
    session.stop();
    expect(status(session, req('OPTIONS', 'rtsp://x'))).toBe(454);
    expect(() => session.start()).toThrow(/cannot be restarted/);
  });

  it('checks its options at creation', () => {
    expect(() => createRtspSession({ ...OPTIONS, pingPayload: 'short' })).toThrow(/16 printable/);
    expect(() => createRtspSession({ ...OPTIONS, controlConnectData: -1 })).toThrow(/uint32/);
    expect(() => createRtspSession({ ...OPTIONS, sessionToken: 'a;b' })).toThrow(/sessionToken/);
  });
});
