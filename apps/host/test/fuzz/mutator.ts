// The fuzzers' shared pieces: a small seeded PRNG (mulberry32), the seed and
// the case budget from the environment, and byte-level mutators. A failing
// run prints its seed; PUNKTFUNK_FUZZ_SEED=<seed> replays the same cases.

/** mulberry32: 32-bit state, good enough spread for test inputs, and reproducible. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.below(256);
    return out;
  }

  /** A child generator for one lane (each connection), so parallel lanes stay reproducible. */
  fork(): Rng {
    return new Rng(this.below(2 ** 32));
  }
}

/** The run's seed: PUNKTFUNK_FUZZ_SEED, or a fresh one; printed either way so a failure can be replayed. */
export function fuzzSeed(fuzzer: string): number {
  const fromEnv = process.env.PUNKTFUNK_FUZZ_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  console.info(`fuzz ${fuzzer}: seed ${seed} (replay with PUNKTFUNK_FUZZ_SEED=${seed})`);
  return seed;
}

/**
 * This fuzzer's share of the run's cases: PUNKTFUNK_FUZZ_CASES (the whole
 * run's budget, default 100,000) times `share` (the five shares add up to 1).
 */
export function fuzzCases(share: number): number {
  return Math.max(1, Math.round(fuzzTotal() * share));
}

const DEFAULT_TOTAL = 100_000;
const fuzzTotal = () => Number(process.env.PUNKTFUNK_FUZZ_CASES ?? DEFAULT_TOTAL);

/** A fuzz test's time limit: vitest's 2 minutes for the default budget, longer for a larger one. */
export function fuzzTimeoutMs(): number {
  return 120_000 * Math.max(1, fuzzTotal() / DEFAULT_TOTAL);
}

// Values at the edges of the integer widths parsers read.
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0a, 0x0d, 0x3a, 0x25];
const INTERESTING_TEXT = [
  '-1',
  '0',
  '4294967295',
  '4294967296',
  '99999999999999999999',
  '1e9',
  'NaN',
  '%',
  '%zz',
  '%00',
  '\r\n',
  ':',
  ';',
  '\0',
  '..',
  '/..',
  '&&&',
  '=',
];

type Mutation = (input: Buffer, rng: Rng) => Buffer;

const MUTATIONS: Mutation[] = [
  // Flip one bit.
  (b, rng) => {
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    const i = rng.below(out.length);
    out[i] = (out[i] as number) ^ (1 << rng.below(8));
    return out;
  },
  // Overwrite a few bytes with random or edge values.
  (b, rng) => {
    const out = Buffer.from(b);
    for (let n = 1 + rng.below(4); n > 0 && out.length > 0; n--) {
      out[rng.below(out.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.below(256);
    }
    return out;
  },
  // Truncate.
  (b, rng) => b.subarray(0, rng.below(b.length + 1)),
  // Delete a range.
  (b, rng) => {
    const at = rng.below(b.length + 1);
    return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.below(16))]);
  },
  // Insert random bytes or an edge value as text.
  (b, rng) => {
    const at = rng.below(b.length + 1);
    const insert = rng.chance(0.5) ? rng.bytes(1 + rng.below(16)) : Buffer.from(rng.pick(INTERESTING_TEXT));
    return Buffer.concat([b.subarray(0, at), insert, b.subarray(at)]);
  },
  // Repeat a range many times (long values, huge headers).
  (b, rng) => {
    const at = rng.below(b.length + 1);
    const piece = b.subarray(at, at + 1 + rng.below(8));
    const repeated = Buffer.alloc(piece.length * (16 + rng.below(4096)), piece.length > 0 ? piece : 'A');
    return Buffer.concat([b.subarray(0, at), repeated, b.subarray(at)]);
  },
  // Swap in a digit run for a number (lengths, ports, sizes).
  (b, rng) => {
    const text = b.toString('latin1');
    const numbers = [...text.matchAll(/\d+/g)];
    if (numbers.length === 0) return b;
    const m = rng.pick(numbers);
    const at = m.index ?? 0;
    const replacement = rng.pick(INTERESTING_TEXT);
    return Buffer.from(text.slice(0, at) + replacement + text.slice(at + m[0].length), 'latin1');
  },
];

/** One to four stacked mutations of `input`. */
export function mutate(input: Buffer, rng: Rng): Buffer {
  let out = input;
  for (let n = 1 + rng.below(4); n > 0; n--) out = rng.pick(MUTATIONS)(out, rng);
  return out;
}

/** Mostly mutations of a seed, sometimes pure noise. */
export function fuzzInput(seeds: readonly Buffer[], rng: Rng): Buffer {
  if (rng.chance(0.05)) return rng.bytes(rng.below(1500));
  return mutate(rng.pick(seeds), rng);
}
