// One stream's input: the decoded packets from the control stream go to the
// desktop the stream captures (mouse, keyboard, text: XTEST into an X
// display, GNOME's remote-desktop session, or a wlroots compositor's virtual
// devices, whichever the target says) and to virtual gamepads (uinput).
// What cannot be injected is said once per kind and per stream, never per
// packet, and the stream carries on: no bytes a client sends and no failure
// of the desktop or of /dev/uinput reach the caller.
import { type GamepadState, INPUT_LIMITS, NativeError, UinputGamepads } from '@punktfunk/native';
import type { ControllerState, InputEvent } from '@punktfunk/protocol';
import type { DesktopInputTarget } from '../desktop/input-target.js';
import { type DesktopEvent, type DesktopInput, DesktopInputLost } from './desktop-input.js';
import { openDesktopInput } from './open-desktop-input.js';
import type { Size } from './pointer-mapping.js';

export interface InputRouterOptions {
  /** Where mouse and keyboard go, decided with the capture. */
  target: DesktopInputTarget;
  /** The stream's frame size (the client's negotiated mode): absolute positions are relative to it. */
  stream: Size;
  log(line: string): void;
  /** Default /dev/uinput. */
  uinputPath?: string;
}

export interface InputCounters {
  /** Events handed to an injector. */
  injected: number;
  /** Events dropped: malformed, unknown, unsupported, or with no injector to take them. */
  dropped: number;
}

const PREFIX = 'GameStream input:';

export class InputRouter {
  readonly counters: InputCounters = { injected: 0, dropped: 0 };
  private desktopInput: DesktopInput | null = null;
  /** Why mouse and keyboard input cannot be injected; null while it can (or was not tried). */
  private desktopProblem: string | null = null;
  private pads: UinputGamepads | null;
  private padsProblem: string | null = null;
  private readonly said = new Set<string>();
  private closed = false;

  constructor(private readonly o: InputRouterOptions) {
    this.pads = new UinputGamepads(o.uinputPath ? { devicePath: o.uinputPath } : {});
  }

  /** Injects one event; never throws. */
  handle(event: InputEvent): void {
    if (this.closed) return;
    try {
      this.route(event);
    } catch (error) {
      // Defence in depth: route() catches what the injectors throw.
      this.counters.dropped++;
      this.once('internal', `${PREFIX} an event failed (${(error as Error).message})`);
    }
  }

  /** The stream ended: lets go of every key and button, removes the pads, closes the desktop connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.desktopInput?.close();
    this.quietly(() => this.pads?.removeAll());
    this.desktopInput = null;
    this.pads = null;
  }

  private route(event: InputEvent): void {
    switch (event.kind) {
      case 'controller':
        this.controller(event.state);
        break;
      case 'controller-arrival':
        this.withPads((pads) => {
          if (!pads.ensure(event.controller)) this.tooManyControllers(event.controller);
        });
        break;
      case 'unsupported':
        this.counters.dropped++;
        // "Enable haptics" is the client saying its pads could rumble, sent by every Moonlight
        // (a view-only one too), not input anyone gave: nothing to warn about.
        if (event.what === 'haptics') break;
        this.once(`unsupported ${event.what}`, `${PREFIX} ${event.what} input is not supported; ignored`);
        break;
      case 'malformed':
      case 'unknown':
        this.counters.dropped++;
        this.once(
          event.kind,
          `${PREFIX} dropped a${event.kind === 'unknown' ? 'n unknown' : ' malformed'} packet (${event.reason}); ` +
            'more like it are dropped without a word',
        );
        break;
      default:
        this.desktop(event);
    }
  }

  private desktop(event: DesktopEvent): void {
    const input = this.openDesktop();
    if (!input) {
      this.counters.dropped++;
      return;
    }
    try {
      if (!input.inject(event) && event.kind === 'key') this.noKeyFor(input.name, event.virtualKey);
      this.counters.injected++;
    } catch (error) {
      this.counters.dropped++;
      if (error instanceof DesktopInputLost) {
        this.desktopProblem = error.message;
        input.close();
        this.desktopInput = null;
        this.once('desktop', `${PREFIX} mouse and keyboard input cannot be injected: ${error.message}`);
      } else {
        this.once(`failed ${event.kind}`, `${PREFIX} ${event.kind} failed (${(error as Error).message})`);
      }
    }
  }

  private noKeyFor(where: string, virtualKey: number): void {
    const vk = `0x${virtualKey.toString(16).padStart(2, '0')}`;
    this.once(`vk ${vk}`, `${PREFIX} virtual key ${vk} has no key on ${where}; ignored`);
  }

  /** The target's injector, opened at the first mouse or keyboard event; null when it cannot be. */
  private openDesktop(): DesktopInput | null {
    if (this.desktopInput || this.desktopProblem) return this.desktopInput;
    const opened = openDesktopInput(this.o.target, {
      stream: this.o.stream,
      ...(this.o.uinputPath ? { uinputPath: this.o.uinputPath } : {}),
      onMutterFailure: (message) =>
        this.once(
          'mutter failed',
          `${PREFIX} ${this.o.target.kind === 'portal' ? "the desktop portal's" : "GNOME's"} remote desktop refused input (${message}); later failures are only counted`,
        ),
    });
    if ('input' in opened) {
      this.desktopInput = opened.input;
      this.o.log(`${PREFIX} mouse and keyboard go to ${opened.input.description}`);
      return opened.input;
    }
    this.desktopProblem = opened.problem;
    this.once('desktop', `${PREFIX} mouse and keyboard input cannot be injected: ${opened.problem}`);
    return null;
  }

  private controller(state: ControllerState): void {
    this.withPads((pads) => {
      // A controller whose bit left the mask has gone, this one included.
      for (const controller of pads.controllers) {
        if ((state.activeMask & (1 << controller)) === 0) pads.remove(controller);
      }
      if ((state.activeMask & (1 << state.controller)) === 0) return;
      if (!pads.update(state.controller, padState(state))) this.tooManyControllers(state.controller);
    });
  }

  private withPads(use: (pads: UinputGamepads) => void): void {
    const pads = this.pads;
    if (!pads || this.padsProblem) {
      this.counters.dropped++;
      return;
    }
    try {
      use(pads);
      this.counters.injected++;
    } catch (error) {
      this.counters.dropped++;
      if (error instanceof NativeError && error.code === 'UINPUT_UNAVAILABLE') {
        // The message reads "gamepad input cannot be injected: /dev/uinput is not present".
        this.padsProblem = error.message;
        this.quietly(() => pads.removeAll());
        this.once('pads', `${PREFIX} ${error.message}`);
      } else {
        this.once('pads failed', `${PREFIX} a gamepad event failed (${(error as Error).message})`);
      }
    }
  }

  private tooManyControllers(controller: number): void {
    this.once(
      `controller ${controller}`,
      `${PREFIX} controller ${controller} ignored: at most ${INPUT_LIMITS.maxGamepads} gamepads`,
    );
  }

  private once(key: string, line: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.o.log(line);
  }

  private quietly(action: () => void): void {
    try {
      action();
    } catch {
      // Closing after the display or device went away: nothing left to release.
    }
  }
}

function padState(s: ControllerState): GamepadState {
  return {
    buttons: s.buttons,
    leftTrigger: s.leftTrigger,
    rightTrigger: s.rightTrigger,
    leftStickX: s.leftStickX,
    leftStickY: s.leftStickY,
    rightStickX: s.rightStickX,
    rightStickY: s.rightStickY,
  };
}
