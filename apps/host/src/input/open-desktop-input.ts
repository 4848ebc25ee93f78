// Opens the mouse-and-keyboard injector that matches what the stream
// captures (DesktopInputTarget, decided with the capture): the X display,
// GNOME's remote-desktop session (Mutter's own or the portal's), or the wlroots compositor's virtual
// devices. Where the target names no desktop, or the wlroots devices cannot
// be opened, a virtual uinput mouse and keyboard stands in when /dev/uinput
// exists. Otherwise the reason comes back, for the router to say once.
import { existsSync } from 'node:fs';
import { UinputMouseKeyboard, WlrInputInjector, X11InputInjector } from '@punktfunk/native';
import type { DesktopInputTarget } from '../desktop/input-target.js';
import type { DesktopInput } from './desktop-input.js';
import { MutterDesktopInput } from './mutter-desktop-input.js';
import { NativeDesktopInput } from './native-desktop-input.js';
import { orderedRemoteInput } from './ordered-remote-input.js';
import type { Size } from './pointer-mapping.js';
import { UinputDesktopInput } from './uinput-desktop-input.js';

export interface OpenDesktopInputOptions {
  /** The stream's frame size: absolute positions are relative to it. */
  stream: Size;
  /** Said once when the remote desktop (Mutter's or the portal's) refuses its first call. */
  onMutterFailure(message: string): void;
  /** Default /dev/uinput. */
  uinputPath?: string;
}

export type OpenedDesktopInput = { input: DesktopInput } | { problem: string };

export function openDesktopInput(target: DesktopInputTarget, o: OpenDesktopInputOptions): OpenedDesktopInput {
  const opened = openTarget(target, o);
  if ('input' in opened || target.kind === 'x11' || target.kind === 'mutter' || target.kind === 'portal')
    return opened;
  return withUinputFallback(opened.problem, o);
}

/** A virtual uinput mouse and keyboard where /dev/uinput exists; else the first problem alone. */
function withUinputFallback(problem: string, o: OpenDesktopInputOptions): OpenedDesktopInput {
  const devicePath = o.uinputPath ?? '/dev/uinput';
  if (!existsSync(devicePath)) return { problem };
  try {
    return { input: new UinputDesktopInput(new UinputMouseKeyboard({ devicePath }), o.stream) };
  } catch (error) {
    return { problem: `${problem}; the uinput fallback failed too: ${(error as Error).message}` };
  }
}

function openTarget(target: DesktopInputTarget, o: OpenDesktopInputOptions): OpenedDesktopInput {
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
          ...(target.output ? { output: target.output } : {}),
        });
        const on = target.output ? `${target.waylandDisplay} (${target.output})` : target.waylandDisplay;
        const description = `the wlroots virtual pointer and keyboard on ${on}`;
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
      case 'portal':
        return {
          input: new MutterDesktopInput({
            // The portal may reorder calls sent back to back (see ordered-remote-input.ts).
            input: orderedRemoteInput(target.input),
            screen: target.screen,
            stream: o.stream,
            outputName: 'portal',
            description: "the desktop portal's remote desktop",
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
