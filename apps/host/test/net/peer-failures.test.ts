// The peer-failure summary: thousands of failures make one line with counts
// per listener and kind, and the freed-heap hook runs after it and once more
// when the flood is over.
import { describe, expect, it } from 'vitest';
import { DETAIL_LINES_PER_INTERVAL, PeerFailureLog } from '../../src/net/peer-failures.js';

function recorder() {
  const lines: string[] = [];
  let hookCalls = 0;
  // An interval far beyond the test: only explicit flushes write.
  const failures = new PeerFailureLog({
    intervalMs: 3_600_000,
    log: (line) => lines.push(line),
    afterFailures: () => hookCalls++,
  });
  return { failures, lines, hookCalls: () => hookCalls };
}

describe('PeerFailureLog', () => {
  it('turns 20,000 failures into one line with counts per listener and kind', () => {
    const { failures, lines } = recorder();
    for (let i = 0; i < 10_000; i++) failures.note('pf1 control', 'TLS handshake failed');
    for (let i = 0; i < 9_000; i++) failures.note('GameStream HTTPS', 'TLS handshake timed out');
    for (let i = 0; i < 1_000; i++) failures.note('GameStream HTTPS', 'refused: per-address cap');
    expect(lines).toEqual([]);
    failures.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^peer failures in the last \d+ s: pf1 control: 10000× TLS handshake failed; GameStream HTTPS: 9000× TLS handshake timed out, 1000× refused: per-address cap$/,
    );
    failures.close();
  });

  it('writes nothing while no peer fails, and starts counting afresh after each line', () => {
    const { failures, lines, hookCalls } = recorder();
    failures.flush();
    expect(lines).toEqual([]);
    expect(hookCalls()).toBe(0);
    failures.note('GameStream RTSP', 'malformed request');
    failures.flush();
    // The quiet interval after the flood: no line, the hook once more.
    failures.flush();
    failures.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/GameStream RTSP: 1× malformed request$/);
    expect(hookCalls()).toBe(2);
    failures.close();
  });

  it('gives the first few failures of a listener their own line, and counts the rest of a flood', () => {
    const { failures, lines } = recorder();
    for (let i = 0; i < 2_500; i++) {
      failures.detail('pf1 control', 'malformed request', `native client 127.0.0.1: bad message ${i}`);
    }
    failures.detail(
      'GameStream RTSP',
      'request refused',
      'GameStream RTSP: ANNOUNCE answered 453 (over the cap)',
    );
    expect(lines).toEqual([
      ...Array.from(
        { length: DETAIL_LINES_PER_INTERVAL },
        (_, i) => `native client 127.0.0.1: bad message ${i}`,
      ),
      'GameStream RTSP: ANNOUNCE answered 453 (over the cap)',
    ]);
    failures.flush();
    expect(lines.at(-1)).toMatch(
      new RegExp(`pf1 control: ${2_500 - DETAIL_LINES_PER_INTERVAL}× malformed request$`),
    );
    failures.close();
  });
});
