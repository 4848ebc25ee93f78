// Benchmark: PipeWire capture (mailbox hand-over + in-place conversion to
// yuv420p) CPU per frame, beside the X11 path (MIT-SHM grab + conversion) on
// Xvfb, in one run, as a ratio. Both show the same kind of moving content:
// the four colour quadrants with a moving box/bar, every frame changed. The
// PipeWire side is the project's test producer at 60 fps in another process
// (its CPU is not counted, as the X server's copy is not on the X11 side);
// ours is this process's CPU, all threads (PipeWire's thread loop included).
// Both are paced at 60 fps. A 1080p RGBx case shows the other byte orders
// cost what BGRx does.
import { FrameCapture } from '../src/index.js';
import { pipewireMissing, startPipeWire, startProducer } from '../test/support/pipewire.js';
import { type CaptureRun, measureCapture, withX11Capture } from './capture-timing.mjs';

const FPS = 60;
const FRAMES = 600;
const WARMUP_FRAMES = 30;
const CASES = [
  { width: 1280, height: 720, format: 'BGRx' },
  { width: 1920, height: 1080, format: 'BGRx' },
  { width: 1920, height: 1080, format: 'RGBx' },
] as const;

const fmt = (x: number, digits = 2) => x.toFixed(digits);

type Run = CaptureRun;

function measure(capture: FrameCapture): Run {
  return measureCapture(capture, { frames: FRAMES, warmupFrames: WARMUP_FRAMES, fps: FPS });
}

async function runPipeWire(width: number, height: number, format: 'BGRx' | 'RGBx'): Promise<Run> {
  const daemon = await startPipeWire();
  const name = `pf-bench-${width}`;
  // memfd: buffers the producer allocates, as compositors do (the MemFd path a desktop takes).
  const producer = await startProducer(daemon, {
    name,
    width,
    height,
    format,
    fps: FPS,
    animate: true,
    memfd: true,
  });
  try {
    const capture = new FrameCapture({
      source: 'pipewire',
      pipewire: { nodeName: name },
      width,
      height,
      pixelFormat: 'yuv420p',
    });
    try {
      return measure(capture);
    } finally {
      capture.close();
    }
  } finally {
    await producer.stop();
    await daemon.stop();
  }
}

function runX11(width: number, height: number): Promise<Run> {
  return withX11Capture(width, height, (capture) => measure(capture));
}

const describeRun = (r: Run) =>
  `CPU ${fmt(r.cpuMsPerFrame)} ms/frame, captureUs p50 ${r.captureP50Us} p99 ${r.captureP99Us} (${r.repeated} repeated) [${r.mode}]`;

const missing = pipewireMissing();
if (missing) {
  console.log(`skipped: ${missing}`);
} else {
  const results = [];
  for (const c of CASES) {
    const label = `${c.width}x${c.height} ${c.format} -> yuv420p @${FPS}`;
    const pipewire = await runPipeWire(c.width, c.height, c.format);
    const x11 = await runX11(c.width, c.height);
    const ratio = pipewire.cpuMsPerFrame / x11.cpuMsPerFrame;
    results.push({ case: label, pipewire, x11, ratioCpu: ratio });
    console.log(`\n${label}, ${FRAMES} paced frames, moving content`);
    console.log(`  pipewire: ${describeRun(pipewire)}`);
    console.log(`  x11 shm:  ${describeRun(x11)}`);
    console.log(`  ratio pipewire/x11 CPU per frame: ${fmt(ratio)}x`);
  }
  console.log(`\nJSON ${JSON.stringify(results)}`);
}
