// Writes the shipped synthetic traces (run: node apps/host/traces/make-traces.mjs).
// Costs vary frame to frame with fixed patterns, so percentiles are not all
// equal, and every figure a replay produces can be worked out by hand.
import { writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const header = (extra = {}) => ({
  punktfunkTrace: 1,
  width: 1280,
  height: 720,
  fps: 60,
  codec: 'h264',
  ...extra,
});

// A 720p60 libx264 superfast frame, as measured by `pnpm bench encode`: capture
// ~0.8 ms, submit (where x264 compresses) ~4.5 ms, collect ~30 µs.
function steadyFrame(i) {
  return {
    captureUs: 700 + (i % 7) * 30,
    submitUs: 4000 + ((i * 37) % 11) * 90,
    encodeUs: 20 + (i % 3) * 10,
    sendUs: 150 + (i % 5) * 20,
    bytes: 20000 + ((i * 13) % 17) * 100,
    keyframe: i === 0,
  };
}

function write(name, head, frames) {
  const lines = [JSON.stringify(head), ...frames.map((f) => JSON.stringify(f))];
  writeFileSync(new URL(name, here), `${lines.join('\n')}\n`);
}

const range = (n) => [...Array(n).keys()];

write('steady-60fps.jsonl', header({ note: '10 s of steady 720p60' }), range(600).map(steadyFrame));

write(
  'encode-spikes.jsonl',
  header({ note: 'every 90th frame the encoder stalls for 40 ms: one frame slot is missed each time' }),
  range(600).map((i) => ({ ...steadyFrame(i), ...(i % 90 === 45 ? { submitUs: 40000 } : {}) })),
);

write(
  'keyframe-storm.jsonl',
  header({ note: 'a client keeps asking for IDRs: every 10th frame is a 90 kB keyframe' }),
  range(600).map((i) => ({
    ...steadyFrame(i),
    ...(i % 10 === 0 ? { keyframe: true, bytes: 90000, submitUs: 7000 } : {}),
  })),
);

// Stutters at and around keyframes, for the stutter analysis: a keyframe that
// stalls the encoder, a stall right after a (fast) keyframe, and a stall with
// no keyframe near, each far enough from the others to be its own episode.
function keyframeStall(i) {
  if (i % 150 === 75) return { keyframe: true, bytes: 95000, submitUs: 38000 };
  if (i % 300 === 10) return { keyframe: true, bytes: 90000, submitUs: 7000 };
  if (i % 300 === 11 || i % 300 === 160) return { submitUs: 40000 };
  return {};
}

write(
  'keyframe-stalls.jsonl',
  header({
    note: 'every 150th frame a keyframe stalls the encoder 38 ms; every 300th a 40 ms stall right after a keyframe, and one with no keyframe near',
  }),
  range(600).map((i) => ({ ...steadyFrame(i), ...keyframeStall(i) })),
);

write(
  'bitrate-step.jsonl',
  header({ note: '10 Mb/s for 5 s, then the target drops to 3 Mb/s and frames shrink' }),
  range(600).map((i) => ({
    ...steadyFrame(i),
    ...(i === 0 ? { targetBitrateKbps: 10000 } : {}),
    ...(i === 300 ? { targetBitrateKbps: 3000 } : {}),
    ...(i >= 300 ? { bytes: 6000 + ((i * 13) % 17) * 30 } : {}),
  })),
);

write(
  'loss-3pct.jsonl',
  header({ clientDropRate: 0.03, note: 'steady 720p60; the client drops 3% of datagrams' }),
  range(600).map(steadyFrame),
);
