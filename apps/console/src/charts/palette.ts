// The colours and meanings the charts and their legends share: one colour
// per stage, the host total, the frame budget, and the compare series.

export const STAGE_INFO: Record<string, { color: string; text: string }> = {
  capture: { color: '#38bdf8', text: 'grab the frame and convert its colours' },
  // Software encoders (libx264/x265) compress inside avcodec_send_frame, NVENC
  // only queues there and the wait for the hardware is in receive_packet
  // (docs/architecture.md, "Encoder"), so submit and encode trade places.
  submit: {
    color: '#a78bfa',
    text: 'hand the frame to the encoder; software encoders (libx264/x265) compress here',
  },
  encode: {
    color: '#f59e0b',
    text: 'wait for the bitstream: NVENC’s hardware time, ~0 with software encoders',
  },
  packetize: { color: '#f472b6', text: 'GameStream: RTP packets, Reed-Solomon parity, encryption' },
  send: {
    color: '#34d399',
    text: 'pace and hand to the kernel (native path: packetize, FEC and encrypt too)',
  },
};

/**
 * What a stage means among the stages drawn: the GameStream path has no
 * submit stage, its encode is the whole encoder call.
 */
export function stageText(name: string, stages: readonly string[]): string {
  if (name === 'encode' && !stages.includes('submit')) {
    return 'hand the frame to the encoder and wait for the bitstream (software encoders compress, NVENC’s hardware works)';
  }
  return STAGE_INFO[name]?.text ?? '';
}

export const HOST_TOTAL = {
  color: '#f8fafc',
  text: 'host total: capture start → last packet handed to the kernel',
};
export const BUDGET = { color: '#f87171', text: 'one frame time at the stream’s fps' };
/** Colours of recordings in the compare view, in order. */
export const SERIES_COLORS = ['#38bdf8', '#f59e0b', '#a78bfa', '#34d399', '#f472b6', '#facc15', '#fb923c'];

/** A hex colour (#rrggbb) with transparency. */
export function alpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/**
 * One colour per session, the same in every chart, list and lane of a page:
 * a recording's session n (its index in meta.sessions), or on the live view
 * the n-th session the console saw.
 */
export function sessionColor(index: number): string {
  return SERIES_COLORS[((index % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length]!;
}
