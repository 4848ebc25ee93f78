import { describe, expect, it } from 'vitest';
import {
  backoffKey,
  FREE_WRONG_TOKENS,
  MAX_BACKOFF_MS,
  MAX_TRACKED_ADDRESSES,
  TokenBackoff,
} from '../../src/api/token-backoff.js';

describe('wrong-token back-off table', () => {
  it('counts IPv4 (also IPv4-mapped) per address and IPv6 per /64', () => {
    expect(backoffKey('192.168.1.9')).toBe('192.168.1.9');
    expect(backoffKey('::ffff:192.168.1.9')).toBe('192.168.1.9');
    expect(backoffKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(backoffKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(backoffKey('::1')).toBe('0:0:0:0::/64');
    expect(backoffKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(backoffKey(undefined)).toBe('unknown');
  });

  it('doubles the wait per wrong token past the free ones, up to the cap', () => {
    let now = 0;
    const backoff = new TokenBackoff(() => now);
    for (let i = 0; i < FREE_WRONG_TOKENS; i++) backoff.failed('10.0.0.1');
    expect(backoff.retryAfterMs('10.0.0.1')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      backoff.failed('10.0.0.1');
      waits.push(backoff.retryAfterMs('10.0.0.1'));
      now += waits.at(-1) ?? 0;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
    expect(Math.max(...waits)).toBe(MAX_BACKOFF_MS);
    backoff.succeeded('10.0.0.1');
    backoff.failed('10.0.0.1');
    expect(backoff.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('forgets an address that stopped failing, and holds at most a bounded number', () => {
    let now = 0;
    const backoff = new TokenBackoff(() => now);
    for (let i = 0; i <= FREE_WRONG_TOKENS; i++) backoff.failed('10.0.0.2');
    expect(backoff.retryAfterMs('10.0.0.2')).toBe(1000);
    now += 16 * 60_000;
    backoff.failed('10.0.0.2');
    expect(backoff.retryAfterMs('10.0.0.2')).toBe(0);
    for (let i = 0; i < MAX_TRACKED_ADDRESSES + 500; i++) backoff.failed(`10.1.${i >> 8}.${i & 255}`);
    expect(backoff.trackedAddresses).toBe(MAX_TRACKED_ADDRESSES);
  });
});
