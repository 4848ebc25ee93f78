// Benchmark: the engine's capture + convert + encode cost per frame, beside
// Debian's ffmpeg CLI encoding the same raw frames with the same libx264
// settings, as a ratio in one run. CPU time is the primary figure (both use
// every core they can); wall time and per-frame latency are shown too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { FrameCapture, VideoEncoder } from '@punktfunk/native';

const FPS = 60;
const PRESET = 'superfast';
const CASES = [
  { width: 1280, height: 720, bitrateKbps: 10_000, frames: 600 },
  { width: 1920, height: 1080, bitrateKbps: 20_000, frames: 300 },
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function cpuMs(since) {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function runEngine({ width, height, bitrateKbps, frames }, convertMethod) {
  const encoder = new VideoEncoder(
    { codec: 'h264', backend: 'software', width, height, fps: FPS, bitrateKbps, preset: PRESET },
    null,
  );
  const capture = new FrameCapture({ width, height, pixelFormat: encoder.info.pixelFormat, convertMethod });
  const step = () => {
    const t = capture.capture();
    const submitUs = encoder.submit(capture);
    const out = encoder.collect();
    return {
      latencyUs: t.captureUs + submitUs + out.encodeUs,
      captureUs: t.captureUs,
      encodeUs: submitUs + out.encodeUs,
      bytes: out.data?.length ?? 0,
    };
  };
  for (let i = 0; i < 10; i++) step(); // warm-up: first IDR, caches
  const latencies = [];
  const captures = [];
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < frames; i++) {
    const r = step();
    latencies.push(r.latencyUs);
    captures.push(r.captureUs);
    bytes += r.bytes;
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = cpuMs(cpu0);
  capture.close();
  encoder.close();
  latencies.sort((a, b) => a - b);
  captures.sort((a, b) => a - b);
  return {
    cpuMsPerFrame: cpu / frames,
    wallMsPerFrame: wallMs / frames,
    latencyP50Ms: percentile(latencies, 50) / 1000,
    latencyP99Ms: percentile(latencies, 99) / 1000,
    captureP50Ms: percentile(captures, 50) / 1000,
    kbps: (bytes * 8 * FPS) / frames / 1000,
  };
}

async function runFfmpeg({ width, height, bitrateKbps, frames }) {
  const args = [
    '-hide_banner',
    '-nostats',
    '-benchmark',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'bgra',
    '-s',
    `${width}x${height}`,
    '-r',
    String(FPS),
    '-i',
    'pipe:0',
    '-c:v',
    'libx264',
    '-preset',
    PRESET,
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    `${bitrateKbps}k`,
    '-maxrate',
    `${bitrateKbps}k`,
    '-bufsize',
    `${Math.round(bitrateKbps / FPS)}k`,
    '-bf',
    '0',
    '-g',
    String(2 ** 30),
    '-forced-idr',
    '1',
    '-f',
    'null',
    '-',
  ];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (d) => (stderr += d));
  // The same synthetic frames our engine encodes, as raw BGRA.
  const source = new FrameCapture({ width, height, pixelFormat: 'yuv420p' });
  for (let i = 0; i < frames + 10; i++) {
    source.capture();
    if (!ffmpeg.stdin.write(source.copyBgra())) await once(ffmpeg.stdin, 'drain');
  }
  ffmpeg.stdin.end();
  source.close();
  const [code] = await once(ffmpeg, 'exit');
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(stderr);
  if (code !== 0 || !m) throw new Error(`ffmpeg failed (${code}): ${stderr.slice(-500)}`);
  const n = frames + 10;
  return {
    cpuMsPerFrame: ((Number(m[1]) + Number(m[2])) * 1000) / n,
    wallMsPerFrame: (Number(m[3]) * 1000) / n,
  };
}

const fmt = (x) => x.toFixed(2);
const results = [];
for (const c of CASES) {
  const label = `${c.width}x${c.height}@${FPS} ${c.bitrateKbps} kb/s libx264 ${PRESET}/zerolatency`;
  const ours = runEngine(c, 'fast');
  const oursSwscale = runEngine(c, 'swscale');
  const ffmpeg = await runFfmpeg(c);
  results.push({
    case: label,
    ours,
    oursSwscale,
    ffmpeg,
    ratioCpu: ours.cpuMsPerFrame / ffmpeg.cpuMsPerFrame,
  });
  console.log(`\n${label}, ${c.frames} frames`);
  console.log(
    `  engine (fast convert):    CPU ${fmt(ours.cpuMsPerFrame)} ms/frame, wall ${fmt(ours.wallMsPerFrame)} ms/frame, latency p50 ${fmt(ours.latencyP50Ms)} ms p99 ${fmt(ours.latencyP99Ms)} ms (capture p50 ${fmt(ours.captureP50Ms)} ms), ${Math.round(ours.kbps)} kb/s out`,
  );
  console.log(
    `  engine (swscale convert): CPU ${fmt(oursSwscale.cpuMsPerFrame)} ms/frame, wall ${fmt(oursSwscale.wallMsPerFrame)} ms/frame, latency p50 ${fmt(oursSwscale.latencyP50Ms)} ms p99 ${fmt(oursSwscale.latencyP99Ms)} ms (capture p50 ${fmt(oursSwscale.captureP50Ms)} ms)`,
  );
  console.log(
    `  ffmpeg CLI (same frames): CPU ${fmt(ffmpeg.cpuMsPerFrame)} ms/frame, wall ${fmt(ffmpeg.wallMsPerFrame)} ms/frame`,
  );
  console.log(
    `  ratio engine/ffmpeg CPU per frame: ${ours.cpuMsPerFrame / ffmpeg.cpuMsPerFrame > 0 ? fmt(ours.cpuMsPerFrame / ffmpeg.cpuMsPerFrame) : '?'}x (target <= 1.10)`,
  );
}
console.log(`\nJSON ${JSON.stringify(results)}`);
