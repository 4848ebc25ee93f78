// The reason label from the sentences the host's stoppers really write
// (gamestream/streamer.ts, gamestream/service.ts, pf1/control-connection.ts).
import { describe, expect, it } from 'vitest';
import { endReason } from '../../src/metrics/end-reason.js';

describe('sessions_ended_total reason', () => {
  it.each([
    ['the client disconnected its control stream', 'client'],
    ['the client went silent on its control stream', 'timeout'],
    ['no ping from the client for 10 s', 'timeout'],
    ['the client never pinged the video port', 'timeout'],
    ['the operator ended the session', 'operator'],
    ['the host is stopping', 'host-stopping'],
    ['host is shutting down', 'host-stopping'],
    ['a new handshake replaced the stream', 'replaced'],
    ['another app is launching', 'replaced'],
    ['client asked to stop', 'client'],
    ['connection closed', 'client'],
    ['the client quit', 'client'],
    ['stream ended', 'ended'],
    ['something new', 'other'],
  ])('%s → %s', (reason, label) => {
    expect(endReason({ error: null, reason })).toBe(label);
  });

  it('a failed worker is failed whatever its reason; no reason is stopped', () => {
    expect(endReason({ error: 'Error: boom', reason: 'the client quit' })).toBe('failed');
    expect(endReason({ error: null, reason: null })).toBe('stopped');
  });
});
