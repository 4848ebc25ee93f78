// Benchmark: what each codec's software encoder costs per 720p60 frame on this
// machine, beside libx264 (the H.264 baseline) in the same run, as ratios.
// The frames are the synthetic source's (a detailed texture panning every
// frame, about as hard as the X desktop scene), encoded back to back at the
// encoder's GameStream settings for a 10 Mb/s client (6 976 kb/s after the
// wire's cost). Per setting: CPU per frame (all threads of this process),
// encode latency (submit to packet, through any frames the encoder holds) p50
// and p99, the frames it holds back, and the fps the encoder alone reaches
// here. 60 fps on two cores needs CPU under 33 ms a frame and a p50 under 16.7 ms.
import { FrameCapture, VideoEncoder } from '@punktfunk/native';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 240);
const WARMUP = 20;
const BITRATE_KBPS = 6976;
const CASES = [
  { label: 'H.264 libx264 superfast (baseline)', codec: 'h264' },
  { label: 'HEVC libx265 ultrafast (default: frame-threads 1, WPP)', codec: 'hevc' },
  { label: 'HEVC ultrafast, no WPP', codec: 'hevc', codecParams: 'wpp=0' },
  { label: 'HEVC ultrafast, pools=1 (one thread)', codec: 'hevc', codecParams: 'pools=1' },
  { label: 'HEVC ultrafast, 2 frame threads', codec: 'hevc', codecParams: 'frame-threads=2' },
  { label: 'HEVC ultrafast, 4 slices', codec: 'hevc', codecParams: 'slices=4' },
  { label: 'HEVC superfast', codec: 'hevc', preset: 'superfast' },
  { label: 'AV1 SVT-AV1 preset 12 (default)', codec: 'av1' },
  { label: 'AV1 SVT-AV1 preset 10', codec: 'av1', preset: '10' },
];

const pick = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function run(c) {
  const encoder = new VideoEncoder(
    {
      codec: c.codec,
      backend: 'software',
      width: 1280,
      height: 720,
      fps: 60,
      bitrateKbps: BITRATE_KBPS,
      ...(c.preset ? { preset: c.preset } : {}),
      ...(c.codecParams ? { codecParams: c.codecParams } : {}),
    },
    null,
  );
  const capture = new FrameCapture({ width: 1280, height: 720, pixelFormat: encoder.info.pixelFormat });
  const submittedAt = new Map();
  const latenciesUs = [];
  let pts = 0;
  let held = 0;
  let cpu0 = null;
  let t0 = 0;
  for (let i = 0; i < WARMUP + FRAMES; i++) {
    if (i === WARMUP) {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    }
    capture.capture();
    const start = performance.now();
    encoder.submit(capture);
    submittedAt.set(pts++, start);
    const out = encoder.collect();
    if (!out.data) continue;
    held = Math.max(held, pts - 1 - out.pts);
    if (i >= WARMUP) latenciesUs.push((performance.now() - (submittedAt.get(out.pts) ?? start)) * 1000);
    submittedAt.delete(out.pts);
  }
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  capture.close();
  encoder.close();
  latenciesUs.sort((a, b) => a - b);
  return {
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / FRAMES,
    p50Ms: pick(latenciesUs, 50) / 1000,
    p99Ms: pick(latenciesUs, 99) / 1000,
    heldFrames: held,
    fps: (FRAMES / wallMs) * 1000,
  };
}

console.log(`codecs at 1280x720@60, ${BITRATE_KBPS} kb/s, ${FRAMES} frames each, encoders back to back`);
let baseline = null;
for (const c of CASES) {
  const r = run(c);
  baseline ??= r;
  const ratio = (x, b) => (x / b).toFixed(2);
  console.log(
    `  ${c.label}: CPU ${r.cpuMsPerFrame.toFixed(1)} ms/frame (${ratio(r.cpuMsPerFrame, baseline.cpuMsPerFrame)}x), ` +
      `latency p50 ${r.p50Ms.toFixed(1)} / p99 ${r.p99Ms.toFixed(1)} ms (${ratio(r.p50Ms, baseline.p50Ms)}x), ` +
      `holds ${r.heldFrames} frames, ${r.fps.toFixed(0)} fps`,
  );
}
