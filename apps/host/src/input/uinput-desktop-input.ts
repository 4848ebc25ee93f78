// Mouse and keyboard as a virtual relative mouse and US keyboard (uinput),
// for any compositor, when the capture names no desktop to reach or its own
// injector cannot be opened. A relative mouse cannot be placed: absolute
// positions become moves by the distance from the previous one (scaled from
// the stream's frame to `screen`), so the pointer follows the client's
// motion though pointer acceleration may make it drift.
import { INPUT_LIMITS, type UinputMouseKeyboard } from '@punktfunk/native';
import type { DesktopEvent, DesktopInput } from './desktop-input.js';
import type { Size } from './pointer-mapping.js';

export class UinputDesktopInput implements DesktopInput {
  readonly description: string;
  readonly name: string;
  /** The last absolute position in stream pixels; null before the first. */
  private lastAbsolute: { x: number; y: number } | null = null;

  constructor(
    private readonly device: UinputMouseKeyboard,
    /** The stream's frame size: absolute positions are relative to it. */
    private readonly stream: Size,
  ) {
    this.name = device.devicePath;
    this.description = `a virtual uinput mouse and keyboard (${device.devicePath})`;
  }

  inject(event: DesktopEvent): boolean {
    const device = this.device;
    switch (event.kind) {
      case 'mouse-move-absolute':
        this.absolute(
          event.x * (this.stream.width / event.referenceWidth),
          event.y * (this.stream.height / event.referenceHeight),
        );
        break;
      case 'mouse-move-relative':
        device.moveBy(event.dx, event.dy);
        break;
      case 'mouse-button':
        device.button(event.button, event.down);
        break;
      case 'scroll-vertical':
        device.scroll(event.amount, 0);
        break;
      case 'scroll-horizontal':
        device.scroll(0, event.amount);
        break;
      case 'key':
        return device.key(event.virtualKey, event.down);
      case 'text':
        device.text(event.text.slice(0, INPUT_LIMITS.maxTextLength));
        break;
    }
    return true;
  }

  close(): void {
    try {
      this.device.close();
    } catch {
      // The device went away: nothing is held any more.
    }
  }

  private absolute(x: number, y: number): void {
    const last = this.lastAbsolute;
    this.lastAbsolute = { x, y };
    if (!last) return;
    const dx = Math.round(x - last.x);
    const dy = Math.round(y - last.y);
    if (dx !== 0 || dy !== 0) this.device.moveBy(dx, dy);
  }
}
