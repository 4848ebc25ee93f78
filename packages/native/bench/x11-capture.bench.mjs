// Benchmark: X11 desktop capture (MIT-SHM grab + cursor + conversion to
// yuv420p) CPU per frame, beside Debian's ffmpeg CLI (x11grab, same display,
// same rate, same output format) measured in the same run, as a ratio.
// Each case runs on its own Xvfb with the animated test window covering the
// whole screen, so every frame changes and damage never skips a grab. Both
// sides draw the cursor and are paced at 60 fps; CPU is the capturing
// process's own (all its threads), not the X server's copy into shared memory.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { FrameCapture } from '@punktfunk/native';
import { openAnimatedWindow, startXvfb } from '../test/support/xvfb.mjs';

const FPS = 60;
const FRAMES = 600;
const WARMUP_FRAMES = 30;
const CASES = [
  { display: [1280, 720], output: [1280, 720] },
  { display: [1920, 1080], output: [1920, 1080] },
  // The scaling path (swscale bilinear), against ffmpeg's scale filter doing the same.
  { display: [1920, 1080], output: [1280, 720] },
];

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps without spinning, to the millisecond (setTimeout drifts by more). */
const sleepMs = (ms) => ms > 0 && Atomics.wait(sleeper, 0, 0, ms);
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (x, digits = 2) => x.toFixed(digits);

function runOurs(display, [width, height]) {
  const capture = new FrameCapture({ source: 'x11', display, width, height, pixelFormat: 'yuv420p' });
  for (let i = 0; i < WARMUP_FRAMES; i++) capture.capture();
  const captureUs = [];
  let repeated = 0;
  const intervalMs = 1000 / FPS;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    sleepMs(Math.floor(t0 + i * intervalMs - performance.now()));
    const t = capture.capture();
    if (t.repeated) repeated++;
    else captureUs.push(t.captureUs);
  }
  const cpu = process.cpuUsage(cpu0);
  const mode = capture.captureMode;
  capture.close();
  captureUs.sort((a, b) => a - b);
  const grabbed = FRAMES - repeated;
  return {
    mode,
    repeated,
    // Per grabbed frame: the few repeated frames cost next to nothing, so
    // dividing by all frames would flatter us.
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / grabbed,
    captureP50Us: percentile(captureUs, 50),
    captureP99Us: percentile(captureUs, 99),
  };
}

async function runFfmpeg(display, [srcWidth, srcHeight], [width, height]) {
  const frames = FRAMES + WARMUP_FRAMES;
  const args = ['-hide_banner', '-nostats', '-benchmark', '-f', 'x11grab', '-framerate', String(FPS)];
  args.push('-video_size', `${srcWidth}x${srcHeight}`, '-i', display, '-frames:v', String(frames));
  if (width !== srcWidth) args.push('-vf', `scale=${width}:${height}:flags=bilinear`);
  args.push('-pix_fmt', 'yuv420p', '-f', 'null', '-');
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(ffmpeg, 'exit');
  // -benchmark's utime/stime are getrusage(RUSAGE_SELF): every thread of the process.
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(stderr);
  if (code !== 0 || !m) throw new Error(`ffmpeg failed (${code}): ${stderr.slice(-500)}`);
  return {
    cpuMsPerFrame: ((Number(m[1]) + Number(m[2])) * 1000) / frames,
    command: `ffmpeg ${args.join(' ')}`,
  };
}

const results = [];
for (const c of CASES) {
  const [dw, dh] = c.display;
  const label = `${dw}x${dh} display -> ${c.output.join('x')} yuv420p @${FPS}`;
  const xvfb = await startXvfb(dw, dh);
  const window = await openAnimatedWindow(xvfb);
  try {
    const ours = runOurs(xvfb.name, c.output);
    const ffmpeg = await runFfmpeg(xvfb.name, c.display, c.output);
    const ratio = ours.cpuMsPerFrame / ffmpeg.cpuMsPerFrame;
    results.push({ case: label, ours, ffmpeg: { cpuMsPerFrame: ffmpeg.cpuMsPerFrame }, ratioCpu: ratio });
    console.log(`\n${label}, ${FRAMES} paced frames, animated full-screen window`);
    console.log(
      `  engine (${ours.mode}):  CPU ${fmt(ours.cpuMsPerFrame)} ms/frame, captureUs p50 ${ours.captureP50Us} p99 ${ours.captureP99Us} (${ours.repeated} repeated)`,
    );
    console.log(`  ffmpeg x11grab: CPU ${fmt(ffmpeg.cpuMsPerFrame)} ms/frame  [${ffmpeg.command}]`);
    console.log(`  ratio engine/ffmpeg CPU per frame: ${fmt(ratio)}x (target <= 1.00)`);
  } finally {
    await window.stop();
    await xvfb.stop();
  }
}
console.log(`\nJSON ${JSON.stringify(results)}`);
