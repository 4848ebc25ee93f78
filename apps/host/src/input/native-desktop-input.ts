// The engine's injectors (XTEST into an X display, the wlroots virtual
// pointer and keyboard) behind the router's DesktopInput: they share their
// methods (DesktopInputInjector), so one adapter serves them all.
import { type DesktopInputInjector, INPUT_LIMITS, NativeError } from '@punktfunk/native';
import { type DesktopEvent, type DesktopInput, DesktopInputLost } from './desktop-input.js';
import { clientToScreen, type Size } from './pointer-mapping.js';

/** The codes with which an injector says its display or compositor connection is gone. */
const LOST_CODES = new Set(['DISPLAY_UNAVAILABLE', 'COMPOSITOR_UNAVAILABLE', 'UINPUT_UNAVAILABLE']);

export class NativeDesktopInput implements DesktopInput {
  constructor(
    private readonly injector: DesktopInputInjector,
    readonly description: string,
    /** The stream's frame size: absolute positions are relative to it. */
    private readonly stream: Size,
  ) {}

  get name(): string {
    return this.injector.display;
  }

  inject(event: DesktopEvent): boolean {
    try {
      return this.send(event);
    } catch (error) {
      if (error instanceof NativeError && LOST_CODES.has(error.code))
        throw new DesktopInputLost(error.message);
      throw error;
    }
  }

  close(): void {
    try {
      this.injector.close();
    } catch {
      // Closing after the display went away: nothing left to release.
    }
  }

  private send(event: DesktopEvent): boolean {
    const injector = this.injector;
    switch (event.kind) {
      case 'mouse-move-absolute': {
        const at = clientToScreen(event, this.stream, injector.screenSize());
        injector.moveTo(at.x, at.y);
        break;
      }
      case 'mouse-move-relative':
        injector.moveBy(event.dx, event.dy);
        break;
      case 'mouse-button':
        injector.button(event.button, event.down);
        break;
      case 'scroll-vertical':
        injector.scroll(event.amount, 0);
        break;
      case 'scroll-horizontal':
        injector.scroll(0, event.amount);
        break;
      case 'key':
        return injector.key(event.virtualKey, event.down);
      case 'text':
        injector.text(event.text.slice(0, INPUT_LIMITS.maxTextLength));
        break;
    }
    return true;
  }
}
