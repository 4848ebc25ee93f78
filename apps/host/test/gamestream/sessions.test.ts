// The launch records: one per client (certificate), each in the lowest free
// slot; a slot's view sees its own record only; resume and cancel act on the
// calling client's record alone.
import { describe, expect, it } from 'vitest';
import { loadGameStreamConfig } from '../../src/config/gamestream.js';
import { loadStreamCapsConfig } from '../../src/config/stream-caps.js';
import { slotPorts } from '../../src/gamestream/session-slots.js';
import {
  type GameStreamSession,
  GameStreamSessions,
  type LaunchInput,
} from '../../src/gamestream/sessions.js';
import { overSessionCap } from '../../src/streaming/core/session-cap.js';

function input(fingerprint: string, appId = 1): LaunchInput {
  return {
    appId,
    appTitle: 'Desktop',
    width: 640,
    height: 360,
    fps: 60,
    rikey: Buffer.alloc(16, 1),
    rikeyId: 7,
    surroundAudioInfo: null,
    localAudioPlayMode: false,
    clientUniqueId: '0123456789ABCDEF',
    clientFingerprint: fingerprint,
    clientLabel: `client ${fingerprint}`,
    clientAddress: '127.0.0.1',
  };
}

function resumeInput() {
  return {
    width: 1280,
    height: 720,
    fps: 30,
    rikey: Buffer.alloc(16, 2),
    rikeyId: 8,
    surroundAudioInfo: null,
    localAudioPlayMode: false,
    clientAddress: '127.0.0.2',
    clientLabel: 'renamed',
  };
}

describe('GameStreamSessions', () => {
  it('gives each client its own record in the lowest free slot, and none beyond the slots', () => {
    const sessions = new GameStreamSessions(2);
    const a = sessions.launch(input('aa'));
    const b = sessions.launch(input('bb'));
    expect([a?.slot, b?.slot]).toEqual([0, 1]);
    expect(sessions.launch(input('cc'))).toBeNull();
    // The same client launching twice gets no second record.
    expect(sessions.launch(input('aa'))).toBeNull();
    expect(sessions.count()).toBe(2);
    expect(sessions.forClient('bb')?.sessionId).toBe(b?.sessionId);
    sessions.cancel(a?.sessionId ?? '');
    // The freed slot 0 is the next launch's.
    expect(sessions.launch(input('cc'))?.slot).toBe(0);
    expect(sessions.inSlot(1)?.clientFingerprint).toBe('bb');
  });

  it("resumes and cancels only the calling client's record", () => {
    const sessions = new GameStreamSessions(4);
    const a = sessions.launch(input('aa')) as GameStreamSession;
    const b = sessions.launch(input('bb')) as GameStreamSession;
    expect(sessions.resume('cc', resumeInput())).toBeNull();
    const resumed = sessions.resume('bb', resumeInput());
    expect(resumed).toMatchObject({ sessionId: b.sessionId, slot: 1, width: 1280, clientLabel: 'renamed' });
    // A resume is a new handshake: fresh ping payload and connect data.
    expect(resumed?.stream.pingPayload).not.toBe(b.stream.pingPayload);
    expect(sessions.forClient('aa')).toEqual(a);
    expect(sessions.cancel(b.sessionId)).toBe(true);
    expect(sessions.cancel(b.sessionId)).toBe(false);
    expect(sessions.all().map((s) => s.clientFingerprint)).toEqual(['aa']);
  });

  it("shows a slot's view only that slot's record and changes", () => {
    const sessions = new GameStreamSessions(3);
    const seen: (string | null)[] = [];
    const view = sessions.slot(1);
    view.onChange((session) => seen.push(session?.clientFingerprint ?? null));
    const a = sessions.launch(input('aa')) as GameStreamSession;
    const b = sessions.launch(input('bb')) as GameStreamSession;
    expect(view.current()?.sessionId).toBe(b.sessionId);
    // Another slot's record cannot be touched through this view.
    expect(view.updateStream(a.sessionId, { playing: true })).toBe(false);
    expect(view.cancel(a.sessionId)).toBe(false);
    expect(sessions.forClient('aa')?.stream.playing).toBe(false);
    expect(view.updateStream(b.sessionId, { playing: true })).toBe(true);
    sessions.cancel(a.sessionId);
    expect(view.cancel()).toBe(true);
    expect(seen).toEqual(['bb', 'bb', null]);
  });
});

describe('session slots and the cap', () => {
  it('keeps the configured ports for slot 0 and gives further slots four ports each from the base', () => {
    const config = loadGameStreamConfig({});
    expect(config.sessionPortBase).toBe(48100);
    expect(slotPorts(0, config)).toEqual({ rtsp: 48010, video: 47998, control: 47999, audio: 48000 });
    expect(slotPorts(1, config)).toEqual({ video: 48100, control: 48101, audio: 48102, rtsp: 48103 });
    expect(slotPorts(3, config)).toEqual({ video: 48108, control: 48109, audio: 48110, rtsp: 48111 });
    const moved = loadGameStreamConfig({ PUNKTFUNK_GS_SESSION_PORT_BASE: '50000' });
    expect(slotPorts(2, moved)).toMatchObject({ video: 50004, rtsp: 50007 });
    expect(() => loadGameStreamConfig({ PUNKTFUNK_GS_SESSION_PORT_BASE: '65500' })).toThrow(
      /PUNKTFUNK_GS_SESSION_PORT_BASE/,
    );
  });

  it('caps sessions at PUNKTFUNK_MAX_SESSIONS (default 4) with the reason the client shows', () => {
    expect(loadStreamCapsConfig({}).maxSessions).toBe(4);
    expect(loadStreamCapsConfig({ PUNKTFUNK_MAX_SESSIONS: '2' }).maxSessions).toBe(2);
    expect(() => loadStreamCapsConfig({ PUNKTFUNK_MAX_SESSIONS: '0' })).toThrow(/PUNKTFUNK_MAX_SESSIONS/);
    expect(() => loadStreamCapsConfig({ PUNKTFUNK_MAX_SESSIONS: '33' })).toThrow(/PUNKTFUNK_MAX_SESSIONS/);
    expect(overSessionCap(1, 2)).toBeNull();
    expect(overSessionCap(2, 2)).toBe('this host already streams to 2 clients (PUNKTFUNK_MAX_SESSIONS=2)');
    expect(overSessionCap(1, 1)).toBe('this host already streams to 1 client (PUNKTFUNK_MAX_SESSIONS=1)');
  });
});
