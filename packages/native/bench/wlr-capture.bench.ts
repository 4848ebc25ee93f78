// Benchmark: wlroots screencopy capture (the compositor copies into our
// wl_shm buffer, our thread hands the newest over, in-place conversion to
// yuv420p) beside the X11 path (MIT-SHM grab + conversion) on Xvfb, in one
// run, as a ratio. The same moving content on both: the four colour
// quadrants with a moving bar (wl_test_window --animate fullscreen on
// headless sway with the pixman renderer, x11_test_window --animate on
// Xvfb), every frame changed, paced at 60 fps. Our CPU is this process's,
// all threads (the screencopy dispatch thread included). The server's CPU is
// counted too, from /proc: sway's (compositing the window and the copy into
// our buffer) and Xvfb's (drawing the window and the MIT-SHM copy); the test
// clients' own drawing is not counted on either side.
import { startHeadlessSway } from '../../test-support/src/wayland-desktop.mjs';
import { FrameCapture } from '../src/index.js';
import { openWlTestWindow } from '../test/support/wayland-window.js';
import { type CaptureRun, measureCapture, withX11Capture } from './capture-timing.mjs';

const FPS = 60;
const FRAMES = 600;
const WARMUP_FRAMES = 30;
const CASES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

const fmt = (x: number, digits = 2) => x.toFixed(digits);

function measure(capture: FrameCapture, serverPid: number): CaptureRun {
  return measureCapture(capture, { frames: FRAMES, warmupFrames: WARMUP_FRAMES, fps: FPS, serverPid });
}

async function runWlr(width: number, height: number): Promise<CaptureRun> {
  const sway = await startHeadlessSway(width, height);
  try {
    const swayPid = sway.children.find((child) => child.spawnfile === 'sway')?.pid;
    if (swayPid === undefined) throw new Error('sway has no pid');
    const window = await openWlTestWindow(sway, true);
    try {
      const capture = new FrameCapture({
        source: 'wlr',
        wlr: { display: sway.waylandDisplay, runtimeDir: sway.runtimeDir, output: sway.outputName },
        width,
        height,
        pixelFormat: 'yuv420p',
      });
      try {
        return measure(capture, swayPid);
      } finally {
        capture.close();
      }
    } finally {
      await window.stop();
    }
  } finally {
    await sway.stop();
  }
}

function runX11(width: number, height: number): Promise<CaptureRun> {
  return withX11Capture(width, height, (capture, xServerPid) => measure(capture, xServerPid));
}

const describeRun = (r: CaptureRun) =>
  `CPU ${fmt(r.cpuMsPerFrame)} ms/frame (+ server ${fmt(r.serverCpuMsPerFrame ?? Number.NaN)}), ` +
  `captureUs p50 ${r.captureP50Us} p99 ${r.captureP99Us} (${r.repeated} repeated) [${r.mode}]`;

const total = (r: CaptureRun) => r.cpuMsPerFrame + (r.serverCpuMsPerFrame ?? 0);

const results = [];
for (const c of CASES) {
  const label = `${c.width}x${c.height} BGRx -> yuv420p @${FPS}`;
  const wlr = await runWlr(c.width, c.height);
  const x11 = await runX11(c.width, c.height);
  const ratioCpu = wlr.cpuMsPerFrame / x11.cpuMsPerFrame;
  const ratioWithServer = total(wlr) / total(x11);
  results.push({ case: label, wlr, x11, ratioCpu, ratioWithServer });
  console.log(`\n${label}, ${FRAMES} paced frames, moving content`);
  console.log(`  wlr screencopy: ${describeRun(wlr)}`);
  console.log(`  x11 shm:        ${describeRun(x11)}`);
  console.log(
    `  ratio wlr/x11 CPU per frame: ours ${fmt(ratioCpu)}x, ours + server ${fmt(ratioWithServer)}x`,
  );
}
console.log(`\nJSON ${JSON.stringify(results)}`);
