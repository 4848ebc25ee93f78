// Mouse and keyboard into GNOME through the remote-desktop session that
// carries the screen cast (org.gnome.Mutter.RemoteDesktop), or through the
// desktop portal's RemoteDesktop, which takes the same calls. Its calls are
// asynchronous D-Bus messages: they are sent in order as events arrive,
// never awaited one by one (a round trip per mouse move would lag the
// pointer); failures are counted and the first is logged. Keys go as X
// keysyms from the engine's own table, so a virtual key means the same here
// as on X11 and wlroots.
import { INPUT_LIMITS, keysymForCodePoint, keysymForVirtualKey, type PointerButton } from '@punktfunk/native';
import type { MutterRemoteInput } from '../desktop/wayland/mutter-session.js';
import type { DesktopEvent, DesktopInput } from './desktop-input.js';
import { clientToScreen, type Size } from './pointer-mapping.js';

/** evdev codes (linux/input-event-codes.h): BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA. */
export const EVDEV_BUTTON: Record<PointerButton, number> = {
  left: 0x110,
  right: 0x111,
  middle: 0x112,
  x1: 0x113,
  x2: 0x114,
};

/** Win32's WHEEL_DELTA: Moonlight sends 120 per notch, less from smooth-scrolling touchpads. */
const WHEEL_DELTA = 120;

/** Whole wheel notches out of high-resolution amounts; a change of direction drops the remainder. */
export class WheelNotches {
  private pending = 0;

  add(amount: number): number {
    if ((this.pending < 0 && amount > 0) || (this.pending > 0 && amount < 0)) this.pending = 0;
    this.pending += amount;
    const notches = Math.trunc(this.pending / WHEEL_DELTA);
    this.pending -= notches * WHEEL_DELTA;
    return notches;
  }
}

export interface MutterDesktopInputOptions {
  input: MutterRemoteInput;
  /** The cast monitor's size: absolute positions are mapped onto it. */
  screen: Size;
  /** The stream's frame size: absolute positions are relative to it. */
  stream: Size;
  /** The monitor's connector, for the log ("Meta-0"). */
  outputName: string;
  /** What the log calls it; default GNOME's remote desktop (outputName). */
  description?: string;
  /** Said once, at the first call GNOME refuses. */
  onFirstFailure(message: string): void;
}

export class MutterDesktopInput implements DesktopInput {
  readonly description: string;
  readonly name: string;
  /** Calls GNOME refused or that never reached it (session closed, bus gone). */
  failedCalls = 0;
  private readonly heldKeysyms = new Map<number, number>();
  private readonly heldButtons = new Set<number>();
  private readonly vertical = new WheelNotches();
  private readonly horizontal = new WheelNotches();

  constructor(private readonly o: MutterDesktopInputOptions) {
    this.name = o.outputName;
    this.description = o.description ?? `GNOME's remote desktop (${o.outputName})`;
  }

  inject(event: DesktopEvent): boolean {
    const input = this.o.input;
    switch (event.kind) {
      case 'mouse-move-absolute': {
        const at = clientToScreen(event, this.o.stream, this.o.screen);
        this.send(input.pointerAbsolute(at.x, at.y));
        break;
      }
      case 'mouse-move-relative':
        this.send(input.pointerRelative(event.dx, event.dy));
        break;
      case 'mouse-button':
        this.button(EVDEV_BUTTON[event.button], event.down);
        break;
      case 'scroll-vertical':
        // Moonlight's positive is up; Mutter's positive steps scroll down.
        this.scroll('vertical', -this.vertical.add(event.amount));
        break;
      case 'scroll-horizontal':
        this.scroll('horizontal', this.horizontal.add(event.amount));
        break;
      case 'key':
        return this.key(event.virtualKey, event.down);
      case 'text':
        this.text(event.text.slice(0, INPUT_LIMITS.maxTextLength));
        break;
    }
    return true;
  }

  close(): void {
    for (const keysym of this.heldKeysyms.values()) this.send(this.o.input.keysym(keysym, false));
    for (const button of this.heldButtons) this.send(this.o.input.pointerButton(button, false));
    this.heldKeysyms.clear();
    this.heldButtons.clear();
  }

  private button(code: number | undefined, down: boolean): void {
    if (code === undefined) throw new Error('unknown mouse button');
    if (down) this.heldButtons.add(code);
    else this.heldButtons.delete(code);
    this.send(this.o.input.pointerButton(code, down));
  }

  private scroll(axis: 'vertical' | 'horizontal', steps: number): void {
    if (steps !== 0) this.send(this.o.input.scrollDiscrete(axis, steps));
  }

  private key(virtualKey: number, down: boolean): boolean {
    // A release goes to the keysym that was pressed, whatever the table says now.
    const keysym = this.heldKeysyms.get(virtualKey) ?? keysymForVirtualKey(virtualKey);
    if (keysym === 0) return false;
    if (down) this.heldKeysyms.set(virtualKey, keysym);
    else this.heldKeysyms.delete(virtualKey);
    this.send(this.o.input.keysym(keysym, down));
    return true;
  }

  private text(text: string): void {
    for (const character of text) {
      const keysym = keysymForCodePoint(character.codePointAt(0) ?? 0);
      if (keysym === 0) continue;
      this.send(this.o.input.keysym(keysym, true));
      this.send(this.o.input.keysym(keysym, false));
    }
  }

  private send(call: Promise<void>): void {
    call.catch((error: Error) => {
      this.failedCalls++;
      if (this.failedCalls === 1) this.o.onFirstFailure(error.message);
    });
  }
}
