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
import { measureCapture } from './capture-timing.mjs';

const FPS = 60;
const FRAMES = 600;
const WARMUP_FRAMES = 30;
const CASES = [
  { display: [1280, 720], output: [1280, 720] },
  { display: [1920, 1080], output: [1920, 1080] },
  // The scaling path (swscale bilinear), against ffmpeg's scale filter doing the same.
  { display: [1920, 1080], output: [1280, 720] },
];

const fmt = (x, digits = 2) => x.toFixed(digits);

function runOurs(display, [width, height]) {
  const capture = new FrameCapture({ source: 'x11', display, width, height, pixelFormat: 'yuv420p' });
  try {
    return measureCapture(capture, { frames: FRAMES, warmupFrames: WARMUP_FRAMES, fps: FPS });
  } finally {
    capture.close();
  }
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
