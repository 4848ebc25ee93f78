// The two parity matrices a GameStream client decodes with.
//
// Video: moonlight-common-c reedsolomon/rs.c builds an identity over the data
// shards and sets parity row j, column i to inverse[(parityShards + i) ^ j]
// (a Cauchy matrix, so any dataShards rows of the whole code are invertible).
// The host's encoder must use exactly these rows, or the real client rebuilds
// garbage. Built here from that description, not from rs.c's code.
//
// Audio: RtpAudioQueue.c overwrites rs.c's rows for its fixed 4+2 code with
// OpenFEC's matrix, which is what GFE (and so every host) sends.
import { gfInv } from './gf256.js';

const videoRowsCache = new Map<string, number[][]>();

export function videoParityRows(dataShards: number, parityShards: number): number[][] {
  if (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 255) {
    throw new RangeError(`no Reed-Solomon code with ${dataShards} data and ${parityShards} parity shards`);
  }
  const key = `${dataShards}/${parityShards}`;
  let rows = videoRowsCache.get(key);
  if (!rows) {
    rows = Array.from({ length: parityShards }, (_, j) =>
      Array.from({ length: dataShards }, (__, i) => gfInv((parityShards + i) ^ j)),
    );
    if (videoRowsCache.size > 64) videoRowsCache.clear();
    videoRowsCache.set(key, rows);
  }
  return rows;
}

export const AUDIO_DATA_SHARDS = 4;
export const AUDIO_PARITY_SHARDS = 2;
export const AUDIO_PARITY_ROWS: readonly (readonly number[])[] = [
  [0x77, 0x40, 0x38, 0x0e],
  [0xc7, 0xa7, 0x0d, 0x6c],
];
