// One capture loop for the capture benchmarks (X11, PipeWire, wlr): FRAMES frames
// paced at `fps` after a warm-up, timing each converted frame and the
// process CPU they cost. Plain JavaScript so .mjs and .ts benches share it.
import { readFileSync } from 'node:fs';
import { FrameCapture } from '@punktfunk/native';
import { openAnimatedWindow, startXvfb } from '../test/support/xvfb.mjs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps without spinning, to the millisecond (setTimeout drifts by more). */
export const sleepMs = (ms) => ms > 0 && Atomics.wait(sleeper, 0, 0, ms);
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

// Linux's USER_HZ: /proc/PID/stat counts CPU time in 1/100 s everywhere.
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) another process has used so far, from /proc. */
export function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * Runs `capture` (a FrameCapture) for `frames` frames at `fps`; resolves with
 * { mode, repeated, cpuMsPerFrame, captureP50Us, captureP99Us }. CPU is per
 * converted frame: repeated frames cost next to nothing, so dividing by all
 * frames would flatter the source. With `serverPid` (the display server or
 * compositor) also serverCpuMsPerFrame: that process's CPU over the same
 * frames (10 ms resolution, so only meaningful over hundreds of frames).
 */
export function measureCapture(capture, { frames, warmupFrames, fps, serverPid }) {
  const intervalMs = 1000 / fps;
  for (let i = 0; i < warmupFrames; i++) {
    capture.capture();
    sleepMs(intervalMs);
  }
  const captureUs = [];
  let repeated = 0;
  const cpu0 = process.cpuUsage();
  const server0 = serverPid ? processCpuMs(serverPid) : 0;
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    sleepMs(Math.floor(t0 + i * intervalMs - performance.now()));
    const t = capture.capture();
    if (t.repeated) repeated++;
    else captureUs.push(t.captureUs);
  }
  const cpu = process.cpuUsage(cpu0);
  const serverMs = serverPid ? processCpuMs(serverPid) - server0 : 0;
  captureUs.sort((a, b) => a - b);
  const converted = frames - repeated;
  return {
    mode: capture.captureMode,
    repeated,
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / converted,
    captureP50Us: percentile(captureUs, 50),
    captureP99Us: percentile(captureUs, 99),
    ...(serverPid ? { serverCpuMsPerFrame: serverMs / converted } : {}),
  };
}

/**
 * The X11 baseline the Wayland capture benches run beside them: an Xvfb of
 * width x height showing the animated test window, captured through MIT-SHM;
 * resolves with what `measure(capture, xServerPid)` returns.
 */
export async function withX11Capture(width, height, measure) {
  const xvfb = await startXvfb(width, height);
  const window = await openAnimatedWindow(xvfb);
  try {
    const capture = new FrameCapture({
      source: 'x11',
      display: xvfb.name,
      width,
      height,
      pixelFormat: 'yuv420p',
    });
    try {
      return measure(capture, xvfb.pid);
    } finally {
      capture.close();
    }
  } finally {
    await window.stop();
    await xvfb.stop();
  }
}
