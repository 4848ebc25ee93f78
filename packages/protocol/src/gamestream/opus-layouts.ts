// GameStream audio's Opus multistream layouts: stereo, 5.1 and 7.1, each in
// normal and high quality. The host lists them in DESCRIBE as
// `a=fmtp:97 surround-params=<channels><streams><coupled><mapping…>`
// (moonlight-common-c RtspConnection.c parseOpusConfigurations), the client
// picks one with x-nv-audio.surround.numChannels and .AudioQuality in
// ANNOUNCE, and both sides then encode / decode with that very layout.
//
// Channels are in Moonlight's order: FL FR FC LFE RL RR (5.1), then SL SR
// (7.1); channel masks 0x3 / 0x3F / 0x63F. mapping[i] is the coded channel of
// input channel i: coupled streams come first (two coded channels each), then
// the mono ones. Normal quality couples the left/right pairs and gives FC and
// LFE a stream each; high quality codes every channel alone at a higher rate
// (the bitrates are Sunshine's).

export interface OpusLayout {
  channels: number;
  streams: number;
  coupledStreams: number;
  mapping: readonly number[];
  /** CBR bitrate of the whole multistream (the audio FEC needs equal packet sizes). */
  bitrateBps: number;
}

const layout = (
  channels: number,
  streams: number,
  coupledStreams: number,
  mapping: number[],
  bitrateBps: number,
): OpusLayout => ({ channels, streams, coupledStreams, mapping, bitrateBps });

/** Per channel count: [normal, high quality]. */
export const OPUS_LAYOUTS: Readonly<Record<2 | 6 | 8, readonly [OpusLayout, OpusLayout]>> = {
  // libopus's stereo ceiling is 510 kb/s (Sunshine asks 512 and gets that).
  2: [layout(2, 1, 1, [0, 1], 96_000), layout(2, 1, 1, [0, 1], 510_000)],
  // FL/FR and RL/RR coupled, FC and LFE mono.
  6: [layout(6, 4, 2, [0, 1, 4, 5, 2, 3], 256_000), layout(6, 6, 0, [0, 1, 2, 3, 4, 5], 1_536_000)],
  // FL/FR, RL/RR and SL/SR coupled, FC and LFE mono.
  8: [
    layout(8, 5, 3, [0, 1, 6, 7, 2, 3, 4, 5], 450_000),
    layout(8, 8, 0, [0, 1, 2, 3, 4, 5, 6, 7], 2_048_000),
  ],
};

/** The layout for what the client announced; null for a channel count GameStream has none for. */
export function opusLayoutFor(channels: number, highQuality: boolean): OpusLayout | null {
  const pair = OPUS_LAYOUTS[channels as 2 | 6 | 8];
  return pair ? pair[highQuality ? 1 : 0] : null;
}

/**
 * GFE listed its normal-quality surround mappings in another speaker order
 * (FL FR C RL RR SL SR LFE); Moonlight moves the last entry to index 3 and
 * slides the rest up. So a host lists index 3 last, and the client's result
 * is the mapping the host encodes with.
 */
function gfeOrder(mapping: readonly number[]): number[] {
  if (mapping.length !== 6 && mapping.length !== 8) return [...mapping];
  return [...mapping.slice(0, 3), ...mapping.slice(4), mapping[3] as number];
}

function moonlightOrder(listed: readonly number[]): number[] {
  if (listed.length !== 6 && listed.length !== 8) return [...listed];
  return [...listed.slice(0, 3), listed[listed.length - 1] as number, ...listed.slice(3, -1)];
}

/** One DESCRIBE value: `surround-params=` + this. */
export function surroundParams(l: OpusLayout, highQuality: boolean): string {
  const mapping = highQuality ? l.mapping : gfeOrder(l.mapping);
  return `${l.channels}${l.streams}${l.coupledStreams}${mapping.join('')}`;
}

/** The DESCRIBE lines: each channel count's normal layout, then its high-quality one (the client takes them in that order). */
export function surroundParamsLines(): string[] {
  return Object.values(OPUS_LAYOUTS).flatMap(([normal, high]) => [
    `a=fmtp:97 surround-params=${surroundParams(normal, false)}`,
    `a=fmtp:97 surround-params=${surroundParams(high, true)}`,
  ]);
}

function parseParams(digits: string, channels: number): Omit<OpusLayout, 'bitrateBps'> | null {
  if (!new RegExp(`^\\d{${channels + 2}}`).test(digits)) return null;
  const values = [...digits.slice(0, channels + 2)].map(Number);
  return {
    channels,
    streams: values[0] as number,
    coupledStreams: values[1] as number,
    mapping: values.slice(2),
  };
}

/**
 * What moonlight-common-c reads out of a DESCRIBE body for `channels`: the
 * first `surround-params=<channels>` entry (normal quality, GFE order undone)
 * and the next one (high quality), or null where missing. Stereo is fixed.
 */
export function parseSurroundParams(
  describeSdp: string,
  channels: number,
): { normal: Omit<OpusLayout, 'bitrateBps'> | null; high: Omit<OpusLayout, 'bitrateBps'> | null } {
  if (channels === 2) {
    return { normal: { channels: 2, streams: 1, coupledStreams: 1, mapping: [0, 1] }, high: null };
  }
  const prefix = `a=fmtp:97 surround-params=${channels}`;
  const first = describeSdp.indexOf(prefix);
  if (first < 0) return { normal: null, high: null };
  const parsed = parseParams(describeSdp.slice(first + prefix.length), channels);
  const normal = parsed && { ...parsed, mapping: moonlightOrder(parsed.mapping) };
  const second = describeSdp.indexOf(prefix, first + prefix.length);
  const high = second < 0 ? null : parseParams(describeSdp.slice(second + prefix.length), channels);
  return { normal, high };
}
