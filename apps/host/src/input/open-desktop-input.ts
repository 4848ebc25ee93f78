// Opens the mouse-and-keyboard injector that matches what the stream
// captures (DesktopInputTarget, decided with the capture): the X display,
// GNOME's remote-desktop session, or the wlroots compositor's virtual
// devices. When there is none, or it cannot be opened, the reason comes back
// instead, for the router to say once.
import { WlrInputInjector, X11InputInjector } from '@punktfunk/native';
import type { DesktopInputTarget } from '../desktop/input-target.js';
import type { DesktopInput } from './desktop-input.js';
import { MutterDesktopInput } from './mutter-desktop-input.js';
import { NativeDesktopInput } from './native-desktop-input.js';
import type { Size } from './pointer-mapping.js';

export interface OpenDesktopInputOptions {
  /** The stream's frame size: absolute positions are relative to it. */
  stream: Size;
  /** Said once when GNOME refuses its first call. */
  onMutterFailure(message: string): void;
}

export type OpenedDesktopInput = { input: DesktopInput } | { problem: string };

export function openDesktopInput(target: DesktopInputTarget, o: OpenDesktopInputOptions): OpenedDesktopInput {
  try {
    switch (target.kind) {
      case 'x11': {
        const injector = new X11InputInjector({ display: target.display });
        return { input: new NativeDesktopInput(injector, `X display ${target.display}`, o.stream) };
      }
      case 'wlr': {
        const injector = new WlrInputInjector({
          display: target.waylandDisplay,
          runtimeDir: target.runtimeDir,
        });
        const description = `the wlroots virtual pointer and keyboard on ${target.waylandDisplay}`;
        return { input: new NativeDesktopInput(injector, description, o.stream) };
      }
      case 'mutter':
        return {
          input: new MutterDesktopInput({
            input: target.input,
            screen: target.screen,
            stream: o.stream,
            outputName: target.outputName ?? 'the cast monitor',
            onFirstFailure: o.onMutterFailure,
          }),
        };
      case 'none':
        return { problem: target.reason };
    }
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
