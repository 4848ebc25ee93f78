// One stream's input: the decoded packets from the control stream go to the
// X display (mouse, keyboard, text through XTEST) and to virtual gamepads
// (uinput). What cannot be injected is said once per kind and per stream,
// never per packet, and the stream carries on: no bytes a client sends and
// no failure of the display or of /dev/uinput reach the caller.
import {
  type DesktopInputInjector,
  type GamepadState,
  INPUT_LIMITS,
  NativeError,
  UinputGamepads,
  X11InputInjector,
} from '@punktfunk/native';
import type { ControllerState, InputEvent } from '@punktfunk/protocol';
import type { DesktopInputTarget } from '../desktop/input-target.js';
import { clientToScreen, type Size } from './pointer-mapping.js';

export interface InputRouterOptions {
  /** Where mouse and keyboard go, decided with the capture. Only x11 is injected here yet; others say why not, once. */
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

type DesktopEvent = Extract<
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

const PREFIX = 'GameStream input:';

export class InputRouter {
  readonly counters: InputCounters = { injected: 0, dropped: 0 };
  private x11: X11InputInjector | null = null;
  /** Why mouse and keyboard input cannot be injected; null while it can (or was not tried). */
  private x11Problem: string | null = null;
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

  /** The stream ended: lets go of every key and button, removes the pads, closes the display connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.quietly(() => this.x11?.close());
    this.quietly(() => this.pads?.removeAll());
    this.x11 = null;
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
    const x11 = this.openX11();
    if (!x11) {
      this.counters.dropped++;
      return;
    }
    try {
      this.inject(x11, event);
      this.counters.injected++;
    } catch (error) {
      this.counters.dropped++;
      if (error instanceof NativeError && error.code === 'DISPLAY_UNAVAILABLE') {
        this.x11Problem = error.message;
        this.quietly(() => x11.close());
        this.x11 = null;
        this.once('x11', `${PREFIX} mouse and keyboard input cannot be injected: ${error.message}`);
      } else {
        this.once(`failed ${event.kind}`, `${PREFIX} ${event.kind} failed (${(error as Error).message})`);
      }
    }
  }

  private inject(x11: DesktopInputInjector, event: DesktopEvent): void {
    switch (event.kind) {
      case 'mouse-move-absolute': {
        const at = clientToScreen(event, this.o.stream, x11.screenSize());
        x11.moveTo(at.x, at.y);
        break;
      }
      case 'mouse-move-relative':
        x11.moveBy(event.dx, event.dy);
        break;
      case 'mouse-button':
        x11.button(event.button, event.down);
        break;
      case 'scroll-vertical':
        x11.scroll(event.amount, 0);
        break;
      case 'scroll-horizontal':
        x11.scroll(0, event.amount);
        break;
      case 'key':
        if (!x11.key(event.virtualKey, event.down)) this.noKeyFor(x11.display, event.virtualKey);
        break;
      case 'text':
        x11.text(event.text.slice(0, INPUT_LIMITS.maxTextLength));
        break;
    }
  }

  private noKeyFor(display: string, virtualKey: number): void {
    const vk = `0x${virtualKey.toString(16).padStart(2, '0')}`;
    this.once(`vk ${vk}`, `${PREFIX} virtual key ${vk} has no key on ${display}; ignored`);
  }

  /** The display connection, opened at the first mouse or keyboard event; null when it cannot be. */
  private openX11(): X11InputInjector | null {
    if (this.x11 || this.x11Problem) return this.x11;
    const target = this.o.target;
    if (target.kind === 'none') {
      this.x11Problem = target.reason;
    } else if (target.kind !== 'x11') {
      this.x11Problem = `no injector for ${target.kind} input in this build`;
    } else {
      try {
        this.x11 = new X11InputInjector({ display: target.display });
        this.o.log(`${PREFIX} mouse and keyboard go to X display ${target.display}`);
        return this.x11;
      } catch (error) {
        this.x11Problem = (error as Error).message;
      }
    }
    this.once('x11', `${PREFIX} mouse and keyboard input cannot be injected: ${this.x11Problem}`);
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
