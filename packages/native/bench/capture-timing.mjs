// One capture loop for the capture benchmarks (X11, PipeWire): FRAMES frames
// paced at `fps` after a warm-up, timing each converted frame and the
// process CPU they cost. Plain JavaScript so .mjs and .ts benches share it.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps without spinning, to the millisecond (setTimeout drifts by more). */
export const sleepMs = (ms) => ms > 0 && Atomics.wait(sleeper, 0, 0, ms);
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/**
 * Runs `capture` (a FrameCapture) for `frames` frames at `fps`; resolves with
 * { mode, repeated, cpuMsPerFrame, captureP50Us, captureP99Us }. CPU is per
 * converted frame: repeated frames cost next to nothing, so dividing by all
 * frames would flatter the source.
 */
export function measureCapture(capture, { frames, warmupFrames, fps }) {
  const intervalMs = 1000 / fps;
  for (let i = 0; i < warmupFrames; i++) {
    capture.capture();
    sleepMs(intervalMs);
  }
  const captureUs = [];
  let repeated = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    sleepMs(Math.floor(t0 + i * intervalMs - performance.now()));
    const t = capture.capture();
    if (t.repeated) repeated++;
    else captureUs.push(t.captureUs);
  }
  const cpu = process.cpuUsage(cpu0);
  captureUs.sort((a, b) => a - b);
  return {
    mode: capture.captureMode,
    repeated,
    cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / (frames - repeated),
    captureP50Us: percentile(captureUs, 50),
    captureP99Us: percentile(captureUs, 99),
  };
}
