// Benchmark: what YUV 4:4:4 costs beside 4:2:0 per frame, for the software
// encoders GameStream offers it with (libx264 High 4:4:4, libx265 Main
// 4:4:4 at the host's presets): capture + convert (the synthetic source) and
// encode, p50 µs, CPU ms per frame and bytes per frame, 720p60 at 10 Mb/s.
// Cases alternate 4:2:0 / 4:4:4 within each round so both see the same load.
import { FrameCapture, VideoEncoder } from '@punktfunk/native';

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 60;
const FRAMES = 240;
const ROUNDS = 2;

const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(codec, yuv444) {
  const encoder = new VideoEncoder(
    { codec, backend: 'software', width: WIDTH, height: HEIGHT, fps: FPS, bitrateKbps: 10_000, yuv444 },
    null,
  );
  const capture = new FrameCapture({ width: WIDTH, height: HEIGHT, pixelFormat: encoder.info.pixelFormat });
  const convert = [];
  const encode = [];
  let bytes = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < FRAMES; i++) {
    const t = capture.capture();
    const submitUs = encoder.submit(capture, i === 0);
    const out = encoder.collect();
    convert.push(t.convertUs);
    encode.push(submitUs + out.encodeUs);
    bytes += out.data?.length ?? 0;
  }
  const used = process.cpuUsage(cpu);
  capture.close();
  encoder.close();
  return {
    convertUs: p50(convert),
    encodeUs: p50(encode),
    cpuMsPerFrame: (used.user + used.system) / 1000 / FRAMES,
    bytesPerFrame: Math.round(bytes / FRAMES),
  };
}

const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const codec of ['h264', 'hevc']) {
    for (const yuv444 of [false, true]) {
      const key = `${codec} ${yuv444 ? '4:4:4' : '4:2:0'}`;
      results[key] ??= [];
      results[key].push(run(codec, yuv444));
    }
  }
}
console.log(`\n${WIDTH}x${HEIGHT}@${FPS} synthetic, 10 Mb/s, ${FRAMES} frames, median of ${ROUNDS} rounds`);
for (const [key, runs] of Object.entries(results)) {
  const m = (field) => p50(runs.map((r) => r[field]));
  console.log(
    `  ${key}: convert p50 ${m('convertUs')} µs, encode p50 ${m('encodeUs')} µs, ` +
      `CPU ${m('cpuMsPerFrame').toFixed(1)} ms/frame, ${m('bytesPerFrame')} B/frame`,
  );
}
