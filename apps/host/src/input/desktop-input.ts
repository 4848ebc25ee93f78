// What the input router needs from a mouse-and-keyboard injector, whichever
// way it reaches the desktop (XTEST, wlroots virtual devices, GNOME's remote
// desktop, uinput): one event at a time, a name for the log, and close()
// that lets go of what is held.
import type { InputEvent } from '@punktfunk/protocol';

export type DesktopEvent = Extract<
  InputEvent,
  {
    kind:
      | 'mouse-move-relative'
      | 'mouse-move-absolute'
      | 'mouse-button'
      | 'scroll-vertical'
      | 'scroll-horizontal'
      | 'key'
      | 'text';
  }
>;

export interface DesktopInput {
  /** Where input goes, as the log says it: "X display :0", "GNOME's remote desktop (Meta-0)". */
  readonly description: string;
  /** The short name in per-key lines: ":0", "wayland-1", "Meta-0". */
  readonly name: string;
  /**
   * Injects one event; false when a key event's virtual key has no key here.
   * Throws DesktopInputLost when the desktop is gone for good (the router
   * stops using this injector); any other throw is this one event failing.
   */
  inject(event: DesktopEvent): boolean;
  /** Releases every key and button still held and closes the connection; never throws. */
  close(): void;
}

/** The desktop connection broke: no later event can be injected either. */
export class DesktopInputLost extends Error {
  override readonly name = 'DesktopInputLost';
}
