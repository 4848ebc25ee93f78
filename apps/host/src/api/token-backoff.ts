// Wrong bearer tokens, counted per source address: a few mistakes are free,
// then each further wrong token doubles how long that address is refused
// (429 with Retry-After). While an address is backed off, every token it
// sends is refused unread, the right one included: answering the right token
// with 200 and a wrong one with 429 would let a guesser go on at full speed.
// A correct token resets the count. The table is bounded; IPv6 addresses
// count per /64, since one machine commonly holds a whole /64.
import { isIPv6 } from 'node:net';

/** Wrong tokens an address may send before the back-off starts (typos, a stale console tab). */
export const FREE_WRONG_TOKENS = 10;
/** The first back-off; each further wrong token doubles it. */
export const FIRST_BACKOFF_MS = 1_000;
// Long enough to make guessing hopeless (at most one try a minute), short
// enough that a local process locking out the operator's console only delays them.
export const MAX_BACKOFF_MS = 60_000;
// An address that stops failing is forgotten after this.
const FORGET_AFTER_MS = 15 * 60_000;
// Bounds memory against many source addresses; the least recently failing go first.
export const MAX_TRACKED_ADDRESSES = 4096;

interface Failures {
  count: number;
  lastFailureMs: number;
  blockedUntilMs: number;
}

/** The 8 groups of an IPv6 address (no zone), or null when it is not one. */
function ipv6Groups(address: string): string[] | null {
  const plain = address.split('%')[0] ?? '';
  if (!isIPv6(plain) || plain.includes('.')) return null;
  const [head = '', tail] = plain.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}

/** The key an address is counted under: IPv4 (also IPv4-mapped) as is, IPv6 by its /64. */
export function backoffKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  const groups = ipv6Groups(address);
  if (!groups) return address;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export class TokenBackoff {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Milliseconds this address must still wait before a token is read; 0 when it may try. */
  retryAfterMs(address: string | undefined): number {
    const entry = this.failures.get(backoffKey(address));
    if (!entry) return 0;
    return Math.max(0, Math.ceil(entry.blockedUntilMs - this.nowMs()));
  }

  failed(address: string | undefined): void {
    const key = backoffKey(address);
    const now = this.nowMs();
    const previous = this.failures.get(key);
    const stale = previous !== undefined && now - previous.lastFailureMs > FORGET_AFTER_MS;
    const count = previous && !stale ? previous.count + 1 : 1;
    const over = count - FREE_WRONG_TOKENS;
    const backoffMs = over <= 0 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (over - 1));
    // Re-inserted, so the map's order is least recently failing first.
    this.failures.delete(key);
    this.failures.set(key, { count, lastFailureMs: now, blockedUntilMs: now + backoffMs });
    for (const [oldest] of this.failures) {
      if (this.failures.size <= MAX_TRACKED_ADDRESSES) break;
      this.failures.delete(oldest);
    }
  }

  succeeded(address: string | undefined): void {
    this.failures.delete(backoffKey(address));
  }

  /** How many addresses are tracked (for tests of the bound). */
  get trackedAddresses(): number {
    return this.failures.size;
  }
}
