// Where a stream's mouse and keyboard input goes. Decided with the capture
// when a session starts (desktop-source.ts), because the right injector
// follows from what is captured: GNOME's remote-desktop session that carries
// the screen cast, the portal's remote-desktop session, the wlroots virtual devices of the captured compositor,
// the X display, or nothing (with the reason, said once).
import type { MutterRemoteInput } from './wayland/mutter-session.js';

export type DesktopInputTarget =
  | { kind: 'x11'; display: string }
  /** Absolute positions are mapped onto `screen` (the cast monitor's size); `outputName` is its connector, for the log. */
  | {
      kind: 'mutter';
      input: MutterRemoteInput;
      screen: { width: number; height: number };
      outputName?: string;
    }
  /** The desktop portal's remote desktop (GNOME, KDE): the same calls as Mutter's, positions mapped onto `screen`. */
  | { kind: 'portal'; input: MutterRemoteInput; screen: { width: number; height: number } }
  /**
   * A wlroots compositor (sway, Hyprland): its socket name or path, and the
   * runtime dir it lives in. `output`: the output absolute pointer positions
   * map onto (a session's own headless output); unset: the first output.
   */
  | { kind: 'wlr'; waylandDisplay: string; runtimeDir: string; output?: string }
  | { kind: 'none'; reason: string };
