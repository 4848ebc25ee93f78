// Benchmark of the Wayland capture through the whole product: the real host
// process runs in a headless GNOME session (mutter --headless, its
// WAYLAND_DISPLAY, XDG_RUNTIME_DIR and session D-Bus) and captures it
// through Mutter's screen-cast API (PUNKTFUNK_CAPTURE=mutter, PipeWire
// MemFd buffers), and headless sway (pixman, no GPU) captured through
// wlroots screencopy (PUNKTFUNK_CAPTURE=wlr, shm buffers), while the
// Wayland test window moves a bar every 16 ms;
// the project's GameStream client streams it at 60 fps, H.264 libx264, and
// reads the host processing latency from every frame's header. Baseline in
// the same run: the same host capturing an Xvfb desktop (x11, MIT-SHM) that
// shows the same moving picture (x11_test_window --animate), as a ratio.
// Run with vite-node (TypeScript): `pnpm bench gamestream-wayland`.
import { startHeadlessGnome, startHeadlessSway } from '@punktfunk/test-support/wayland-desktop';
import { openWlTestWindow } from '../../../packages/native/test/support/wayland-window.js';
import { openAnimatedWindow, startXvfb } from '../../../packages/native/test/support/xvfb.mjs';
import {
  BITRATE_KBPS,
  type RunFigures,
  report,
  SECONDS,
  streamRun,
  WARMUP_MS,
} from './support/stream-run.js';

async function mutterRun(width: number, height: number): Promise<RunFigures> {
  const gnome = await startHeadlessGnome(width, height);
  const window = await openWlTestWindow(gnome, true);
  try {
    return await streamRun(width, height, {
      PUNKTFUNK_CAPTURE: 'mutter',
      WAYLAND_DISPLAY: gnome.waylandDisplay,
      XDG_RUNTIME_DIR: gnome.runtimeDir,
      DBUS_SESSION_BUS_ADDRESS: String(gnome.env.DBUS_SESSION_BUS_ADDRESS),
    });
  } finally {
    await window.stop();
    await gnome.stop();
  }
}

async function wlrRun(width: number, height: number): Promise<RunFigures> {
  const sway = await startHeadlessSway(width, height);
  const window = await openWlTestWindow(sway, true);
  try {
    return await streamRun(width, height, {
      PUNKTFUNK_CAPTURE: 'wlr',
      WAYLAND_DISPLAY: sway.waylandDisplay,
      XDG_RUNTIME_DIR: sway.runtimeDir,
    });
  } finally {
    await window.stop();
    await sway.stop();
  }
}

function ratio(name: string, wayland: RunFigures, x11: RunFigures): void {
  console.log(
    `  ratio ${name} / x11: host latency p50 ${(wayland.p50Ms / x11.p50Ms).toFixed(2)}, ` +
      `p99 ${(wayland.p99Ms / x11.p99Ms).toFixed(2)}, host CPU per frame ` +
      `${(wayland.hostCpuMsPerFrame / x11.hostCpuMsPerFrame).toFixed(2)}`,
  );
}

async function x11Run(width: number, height: number): Promise<RunFigures> {
  const xvfb = await startXvfb(width, height);
  const window = await openAnimatedWindow(xvfb, 'bar');
  try {
    return await streamRun(width, height, { PUNKTFUNK_CAPTURE: 'x11', PUNKTFUNK_DISPLAY: xvfb.name });
  } finally {
    await window.stop();
    await xvfb.stop();
  }
}

console.log(
  `The real host process streaming headless GNOME (mutter screen cast, PipeWire) and headless sway (wlr screencopy) ` +
    `beside an Xvfb desktop (x11, MIT-SHM) ` +
    `with the same moving picture, to the project's GameStream test client, H.264 libx264, client bitrate ` +
    `${BITRATE_KBPS} kb/s, ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up`,
);
for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  console.log(`${width}x${height}@60`);
  const mutter = await mutterRun(width, height);
  const wlr = await wlrRun(width, height);
  const x11 = await x11Run(width, height);
  report('mutter (GNOME)', mutter);
  report('wlr (sway)    ', wlr);
  report('x11 (Xvfb)    ', x11);
  ratio('mutter', mutter, x11);
  ratio('wlr', wlr, x11);
}
