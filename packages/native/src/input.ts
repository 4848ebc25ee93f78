// The typed facade over the input injectors (native/src/input): mouse and
// keyboard into an X display through XTEST, gamepads as uinput devices.
// Arguments are checked here first; what the engine refuses is a
// NativeError with a code (DISPLAY_UNAVAILABLE, UINPUT_UNAVAILABLE, …).
import { addon, type NativeGamepadState, type NativeUinputGamepad, type NativeX11Input } from './binding.js';
import { checkInteger, fail } from './checks.js';

export const INPUT_LIMITS = {
  /** XTEST coordinates are 16-bit. */
  minCoordinate: -32768,
  maxCoordinate: 32767,
  /** Text per call: the client sends one code point per packet; this bounds a forged one. */
  maxTextLength: 4096,
  /** Virtual pads at once, as an Xbox 360 receiver has (and GFE allowed). */
  maxGamepads: 4,
} as const;

export type PointerButton = 'left' | 'middle' | 'right' | 'x1' | 'x2';

/** X's button numbers: 8 and 9 are what X calls back and forward (X1, X2). */
const X_BUTTONS: Record<PointerButton, number> = { left: 1, middle: 2, right: 3, x1: 8, x2: 9 };

export interface X11InputOptions {
  /** The X display, e.g. ':0'. */
  display: string;
}

export interface ScreenSize {
  width: number;
  height: number;
}

export interface TypedText {
  typed: number;
  /** Code points that have no key: control characters, or no keycode left to bind. */
  skipped: number;
}

function checkCoordinate(what: string, name: string, value: unknown): void {
  checkInteger(what, name, value, INPUT_LIMITS.minCoordinate, INPUT_LIMITS.maxCoordinate);
}

function checkBoolean(what: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') fail(what, `${name} must be a boolean, got ${JSON.stringify(value)}`);
}

/**
 * Mouse and keyboard into an X display through XTEST, on its own connection.
 * Each call sends and flushes its events. Keys and buttons it pressed are
 * remembered: releaseAll() (and close()) lets go of them all.
 */
export class X11InputInjector {
  readonly display: string;
  private readonly handle: NativeX11Input;

  /** Throws NativeError DISPLAY_UNAVAILABLE when the display cannot be opened or has no XTEST. */
  constructor(options: X11InputOptions) {
    if (typeof options !== 'object' || options === null) fail('X11 input options', 'expected an object');
    if (typeof options.display !== 'string' || options.display === '') {
      fail('X11 input options', `display must be a non-empty string, got ${JSON.stringify(options.display)}`);
    }
    this.handle = new addon.X11Input({ display: options.display });
    this.display = options.display;
  }

  /** The screen (root window) in pixels; follows resizes. */
  screenSize(): ScreenSize {
    return this.handle.screenSize();
  }

  /** Moves the pointer to screen pixels (clamped to the screen). */
  moveTo(x: number, y: number): void {
    checkCoordinate('moveTo arguments', 'x', x);
    checkCoordinate('moveTo arguments', 'y', y);
    this.handle.moveTo(x, y);
  }

  moveBy(dx: number, dy: number): void {
    checkCoordinate('moveBy arguments', 'dx', dx);
    checkCoordinate('moveBy arguments', 'dy', dy);
    this.handle.moveBy(dx, dy);
  }

  button(button: PointerButton, down: boolean): void {
    const xButton = Object.hasOwn(X_BUTTONS, button) ? X_BUTTONS[button] : undefined;
    if (xButton === undefined) {
      fail(
        'button arguments',
        `button must be one of ${Object.keys(X_BUTTONS).join(', ')}, got ${JSON.stringify(button)}`,
      );
    }
    checkBoolean('button arguments', 'down', down);
    this.handle.button(xButton, down);
  }

  /**
   * High-resolution wheel amounts (120 = one notch; up and right positive),
   * accumulated until whole notches are due. Returns the clicks sent.
   */
  scroll(verticalAmount: number, horizontalAmount = 0): number {
    checkCoordinate('scroll arguments', 'verticalAmount', verticalAmount);
    checkCoordinate('scroll arguments', 'horizontalAmount', horizontalAmount);
    return this.handle.scroll(verticalAmount, horizontalAmount);
  }

  /**
   * A Windows virtual-key code (US layout), pressed or released as the key
   * that carries its symbol on the host's layout. Modifiers (Shift, Ctrl,
   * Alt, Win) are keys like any other. False when the code has no key.
   */
  key(virtualKey: number, down: boolean): boolean {
    checkInteger('key arguments', 'virtualKey', virtualKey, 0, 255);
    checkBoolean('key arguments', 'down', down);
    return this.handle.key(virtualKey, down);
  }

  /**
   * Types text, one press and release per code point: on the key and Shift
   * level that carries it, else on a spare keycode bound to its keysym.
   */
  text(text: string): TypedText {
    if (typeof text !== 'string') fail('text arguments', 'text must be a string');
    if (text.length > INPUT_LIMITS.maxTextLength) {
      fail('text arguments', `text is at most ${INPUT_LIMITS.maxTextLength} characters, got ${text.length}`);
    }
    return this.handle.text(text);
  }

  /** Releases every key and button this injector holds down. */
  releaseAll(): void {
    this.handle.releaseAll();
  }

  /** Releases what is held, restores keys it bound, closes the connection. */
  close(): void {
    this.handle.close();
  }
}

/** A controller as Moonlight reports it (button bits of Limelight.h). */
export type GamepadState = NativeGamepadState;

export const NEUTRAL_GAMEPAD: Readonly<GamepadState> = Object.freeze({
  buttons: 0,
  leftTrigger: 0,
  rightTrigger: 0,
  leftStickX: 0,
  leftStickY: 0,
  rightStickX: 0,
  rightStickY: 0,
});

/** One evdev event: [type, code, value] (linux/input-event-codes.h). */
export type EvdevEvent = [type: number, code: number, value: number];

export function validateGamepadState(what: string, s: GamepadState): GamepadState {
  if (typeof s !== 'object' || s === null) fail(what, 'expected an object');
  checkInteger(what, 'buttons', s.buttons, 0, 0xffffffff);
  checkInteger(what, 'leftTrigger', s.leftTrigger, 0, 255);
  checkInteger(what, 'rightTrigger', s.rightTrigger, 0, 255);
  for (const axis of ['leftStickX', 'leftStickY', 'rightStickX', 'rightStickY'] as const) {
    checkInteger(what, axis, s[axis], -32768, 32767);
  }
  return s;
}

/**
 * The events a virtual Xbox 360 pad emits going from `before` to `after`:
 * what UinputGamepad.update() writes. Needs no /dev/uinput.
 */
export function gamepadEvents(before: GamepadState, after: GamepadState): EvdevEvent[] {
  return addon.gamepadEvents(
    validateGamepadState('gamepadEvents before', before),
    validateGamepadState('gamepadEvents after', after),
  );
}

export interface UinputGamepadOptions {
  /** Default /dev/uinput. */
  devicePath?: string;
}

/**
 * One virtual Xbox 360 pad (USB ids 045e:028e, as xpad reports one). It
 * exists until close(). Throws NativeError UINPUT_UNAVAILABLE ("gamepad
 * input cannot be injected: /dev/uinput is not present") where it cannot.
 */
export class UinputGamepad {
  private readonly handle: NativeUinputGamepad;

  constructor(options: UinputGamepadOptions = {}) {
    const devicePath = options.devicePath ?? '/dev/uinput';
    if (typeof devicePath !== 'string' || !devicePath.startsWith('/')) {
      fail('uinput options', `devicePath must be an absolute path, got ${JSON.stringify(devicePath)}`);
    }
    this.handle = new addon.UinputGamepad({ devicePath });
  }

  /** Writes what changed since the last state; returns the events written. */
  update(state: GamepadState): number {
    return this.handle.update(validateGamepadState('gamepad state', state));
  }

  close(): void {
    this.handle.close();
  }
}

/**
 * Up to four pads by controller number, made when a controller first shows
 * up and removed when it leaves. Creation failures (no /dev/uinput) are
 * thrown to the caller, which decides how often to say so.
 */
export class UinputGamepads {
  private readonly pads = new Map<number, UinputGamepad>();

  constructor(private readonly options: UinputGamepadOptions = {}) {}

  /** Controller numbers with a pad. */
  get controllers(): number[] {
    return [...this.pads.keys()].sort((a, b) => a - b);
  }

  /** Makes the pad if needed; false for controller numbers beyond maxGamepads. */
  ensure(controller: number): boolean {
    checkInteger('gamepad arguments', 'controller', controller, 0, 15);
    if (controller >= INPUT_LIMITS.maxGamepads) return false;
    if (!this.pads.has(controller)) this.pads.set(controller, new UinputGamepad(this.options));
    return true;
  }

  /** Makes the pad if needed and applies the state; false when the controller has no pad slot. */
  update(controller: number, state: GamepadState): boolean {
    if (!this.ensure(controller)) return false;
    this.pads.get(controller)?.update(state);
    return true;
  }

  remove(controller: number): void {
    this.pads.get(controller)?.close();
    this.pads.delete(controller);
  }

  removeAll(): void {
    for (const pad of this.pads.values()) pad.close();
    this.pads.clear();
  }
}
