// The person at a headless GNOME desktop, for tests of GNOME's portal
// dialog: sees the monitor through a Mutter screen cast (one frame at a
// time, with GStreamer's pipewiresrc) and clicks through Mutter's remote
// desktop.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadlessGnome } from '@punktfunk/test-support/wayland-desktop';
import type { MutterSession } from '../../src/desktop/wayland/mutter-session.js';

const BTN_LEFT = 0x110;
// GNOME's portal dialog (43.x) centred on a 1280x720 monitor, as a
// screenshot of it shows: the monitor row, the Share and Cancel buttons, and
// a point inside the dialog's light body (the desktop behind it is dark blue).
export const MONITOR_ROW = { x: 470, y: 385 };
export const SHARE_BUTTON = { x: 852, y: 232 };
export const CANCEL_BUTTON = { x: 430, y: 232 };
const DIALOG_BODY = { x: 640, y: 470 };
// The same dialog for a remote-desktop request ("Remote desktop"): the
// monitor comes preselected, and input is granted only with the "Allow
// remote interaction" switch turned on (it starts off). Share and Cancel
// are where they are above.
export const REMOTE_INTERACTION_SWITCH = { x: 830, y: 432 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The person at the desktop: sees the monitor (one frame at a time) and clicks. */
export class PersonAtDesktop {
  constructor(
    private readonly gnome: HeadlessGnome,
    private readonly eyes: MutterSession,
  ) {}

  /** The RGB at (x, y) of the monitor now, read from one frame of the screen cast. */
  pixel(x: number, y: number): [number, number, number] {
    const file = join(this.gnome.runtimeDir, 'frame.rgb');
    const pipeline = [`path=${this.eyes.stream.nodeId}`, 'num-buffers=1', '!', 'videoconvert', '!'];
    const caps = 'video/x-raw,format=RGB';
    const args = ['-q', 'pipewiresrc', ...pipeline, caps, '!', 'filesink', `location=${file}`];
    spawnSync('gst-launch-1.0', args, { env: this.gnome.env, timeout: 10_000 });
    const frame = readFileSync(file);
    rmSync(file);
    const at = (y * this.eyes.stream.width + x) * 3;
    return [frame[at] ?? 0, frame[at + 1] ?? 0, frame[at + 2] ?? 0];
  }

  /** Waits until the dialog is on screen (`shown`) or gone (`!shown`); false if it never is. */
  async seesDialog(shown: boolean, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const light = this.pixel(DIALOG_BODY.x, DIALOG_BODY.y).every((c) => c > 200);
      if (light === shown) return true;
      await sleep(250);
    }
    return false;
  }

  async click(at: { x: number; y: number }): Promise<void> {
    await this.eyes.input.pointerAbsolute(at.x, at.y);
    await sleep(150);
    await this.eyes.input.pointerButton(BTN_LEFT, true);
    await this.eyes.input.pointerButton(BTN_LEFT, false);
    await sleep(400);
  }
}
