// Arithmetic in GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d),
// the field of moonlight-common-c's reedsolomon/rs.c (its GF_PP "101110001"),
// and a solver that rebuilds lost shards from any linear code over it. Written
// for this client from the field's definition; the video FEC (rs.c's
// Cauchy rows) and the audio FEC (a fixed 2x4 matrix) both use it.

const POLYNOMIAL = 0x11d;

/** EXP[i] = α^i, doubled so EXP[LOG[a] + LOG[b]] needs no modulo. */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= POLYNOMIAL;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255] as number;
}

/** MUL[a << 8 | b] = a·b: one 64 kB table makes the per-byte inner loops a single lookup. */
const MUL = new Uint8Array(256 * 256);
for (let a = 1; a < 256; a++) {
  for (let b = 1; b < 256; b++) MUL[(a << 8) | b] = EXP[(LOG[a] as number) + (LOG[b] as number)] as number;
}

export function gfMul(a: number, b: number): number {
  return MUL[((a & 0xff) << 8) | (b & 0xff)] as number;
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(256)');
  return EXP[255 - (LOG[a] as number)] as number;
}

/** dst ^= c · src over the first `length` bytes (a missing tail of src counts as zeros). */
export function mulAddInto(dst: Uint8Array, src: Uint8Array, c: number, length = dst.length): void {
  if (c === 0) return;
  const n = Math.min(length, src.length);
  const row = MUL.subarray(c << 8, (c << 8) + 256);
  if (c === 1) {
    for (let i = 0; i < n; i++) dst[i] = (dst[i] as number) ^ (src[i] as number);
    return;
  }
  for (let i = 0; i < n; i++) dst[i] = (dst[i] as number) ^ (row[src[i] as number] as number);
}

/** The inverse of a square matrix by Gauss-Jordan elimination; null when it is singular. */
export function invertMatrix(matrix: readonly (readonly number[])[]): number[][] | null {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const inv: number[][] = a.map((_, r) => Array.from({ length: n }, (__, c) => (r === c ? 1 : 0)));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && (a[pivot]?.[col] ?? 0) === 0) pivot++;
    if (pivot === n) return null;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    [inv[col], inv[pivot]] = [inv[pivot] as number[], inv[col] as number[]];
    const rowA = a[col] as number[];
    const rowInv = inv[col] as number[];
    const scale = gfInv(rowA[col] as number);
    for (let c = 0; c < n; c++) {
      rowA[c] = gfMul(rowA[c] as number, scale);
      rowInv[c] = gfMul(rowInv[c] as number, scale);
    }
    for (let r = 0; r < n; r++) {
      const factor = r === col ? 0 : ((a[r] as number[])[col] as number);
      if (factor === 0) continue;
      const otherA = a[r] as number[];
      const otherInv = inv[r] as number[];
      for (let c = 0; c < n; c++) {
        otherA[c] = (otherA[c] as number) ^ gfMul(factor, rowA[c] as number);
        otherInv[c] = (otherInv[c] as number) ^ gfMul(factor, rowInv[c] as number);
      }
    }
  }
  return inv;
}

/**
 * Rebuilds the missing data shards of one block. `parityRows[j][i]` is the
 * coefficient of data shard i in parity shard j; `shards` holds the data
 * shards then the parity shards, null where lost. Like rs.c, the first
 * received parity shards are used, as many as data shards are missing.
 * Returns the rebuilt data shard indexes (each `shardBytes` long, written into
 * `shards`), or null when too few shards arrived.
 */
export function recoverDataShards(
  parityRows: readonly (readonly number[])[],
  shards: (Uint8Array | null)[],
  shardBytes: number,
): number[] | null {
  const dataShards = shards.length - parityRows.length;
  const missing: number[] = [];
  for (let i = 0; i < dataShards; i++) if (!shards[i]) missing.push(i);
  if (missing.length === 0) return [];
  const usable: number[] = [];
  for (let j = 0; j < parityRows.length && usable.length < missing.length; j++) {
    if (shards[dataShards + j]) usable.push(j);
  }
  if (usable.length < missing.length) return null;

  // parity_j - Σ(received i) c_ji·d_i = Σ(missing m) c_jm·d_m, one equation per parity shard used.
  const syndromes = usable.map((j) => {
    const s = new Uint8Array(shardBytes);
    s.set((shards[dataShards + j] as Uint8Array).subarray(0, shardBytes));
    const row = parityRows[j] as readonly number[];
    for (let i = 0; i < dataShards; i++) {
      const shard = shards[i];
      if (shard) mulAddInto(s, shard, row[i] as number, shardBytes);
    }
    return s;
  });
  const system = usable.map((j) => missing.map((m) => (parityRows[j] as readonly number[])[m] as number));
  const inverse = invertMatrix(system);
  if (!inverse) return null; // cannot happen for an MDS code; kept so a wrong matrix reports, not crashes
  missing.forEach((m, k) => {
    const out = new Uint8Array(shardBytes);
    const coefficients = inverse[k] as number[];
    syndromes.forEach((s, r) => {
      mulAddInto(out, s, coefficients[r] as number, shardBytes);
    });
    shards[m] = out;
  });
  return missing;
}

/** Parity shards from data shards with the given rows (used by tests to check the solver alone). */
export function encodeParity(
  parityRows: readonly (readonly number[])[],
  data: readonly Uint8Array[],
  shardBytes: number,
): Uint8Array[] {
  return parityRows.map((row) => {
    const out = new Uint8Array(shardBytes);
    data.forEach((d, i) => {
      mulAddInto(out, d, row[i] as number, shardBytes);
    });
    return out;
  });
}
