// One session's input into its GNOME virtual monitor. GNOME has one pointer
// and one keyboard focus for all sessions: absolute motion goes to the
// session's own stream (its monitor), but a button or wheel event lands
// wherever the shared pointer is, which may be on another session's monitor
// since that one last moved it. So a button or wheel event first puts the
// pointer back at this session's own last absolute position. Relative motion
// and keys follow the shared pointer and focus (docs/desktop.md).
import type { MutterRemoteInput } from '../wayland/mutter-session.js';

export function sessionPointer(input: MutterRemoteInput): MutterRemoteInput {
  let last: { x: number; y: number } | null = null;
  const backHere = async () => {
    if (last) await input.pointerAbsolute(last.x, last.y);
  };
  return {
    pointerAbsolute: (x, y) => {
      last = { x, y };
      return input.pointerAbsolute(x, y);
    },
    pointerRelative: (dx, dy) => {
      // Where that leaves the pointer is Mutter's to say: no position to come back to.
      last = null;
      return input.pointerRelative(dx, dy);
    },
    pointerButton: async (button, pressed) => {
      await backHere();
      await input.pointerButton(button, pressed);
    },
    scrollDiscrete: async (axis, steps) => {
      await backHere();
      await input.scrollDiscrete(axis, steps);
    },
    keysym: (keysym, pressed) => input.keysym(keysym, pressed),
  };
}
