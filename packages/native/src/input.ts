// The typed facade over the input injectors (native/src/input): mouse and
// keyboard into an X display through XTEST or into a wlroots compositor
// through its virtual pointer and keyboard, gamepads as uinput devices.
// Arguments are checked here first; what the engine refuses is a
// NativeError with a code (DISPLAY_UNAVAILABLE, COMPOSITOR_UNAVAILABLE,
// INPUT_UNAVAILABLE, UINPUT_UNAVAILABLE, …).
import {
  addon,
  type NativeDesktopEvents,
  type NativeDesktopInput,
  type NativeGamepadState,
  type NativeUinputDesktop,
  type NativeUinputGamepad,
} from './binding.js';
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
/** evdev codes (linux/input-event-codes.h): BTN_LEFT, BTN_MIDDLE, BTN_RIGHT, BTN_SIDE, BTN_EXTRA. */
const EVDEV_BUTTONS: Record<PointerButton, number> = {
  left: 0x110,
  middle: 0x112,
  right: 0x111,
  x1: 0x113,
  x2: 0x114,
};

export interface X11InputOptions {
  /** The X display, e.g. ':0'. */
  display: string;
}

export interface WlrInputOptions {
  /** The compositor's socket: a name in runtimeDir ('wayland-1') or an absolute path. */
  display: string;
  /** XDG_RUNTIME_DIR of the compositor's session. Default: this process's XDG_RUNTIME_DIR. */
  runtimeDir?: string;
  /** How long the compositor may take to answer a round trip. Default 2000 ms. */
  timeoutMs?: number;
  /** The output absolute motion maps onto ('HEADLESS-2'); default '': the first output. */
  output?: string;
}

export const WLR_INPUT_DEFAULTS = { timeoutMs: 2000 } as const;

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
 * Relative mouse, buttons, wheel and keyboard, the part every injector has
 * (a desktop's, or uinput's devices). Each call sends and flushes its events.
 * Keys and buttons it pressed are remembered: releaseAll() (and close())
 * lets go of them all.
 */
export abstract class PointerKeyboardInjector<Handle extends NativeUinputDesktop = NativeUinputDesktop> {
  protected constructor(
    protected readonly handle: Handle,
    private readonly buttonCodes: Record<PointerButton, number>,
  ) {}

  moveBy(dx: number, dy: number): void {
    checkCoordinate('moveBy arguments', 'dx', dx);
    checkCoordinate('moveBy arguments', 'dy', dy);
    this.handle.moveBy(dx, dy);
  }

  button(button: PointerButton, down: boolean): void {
    const code = Object.hasOwn(this.buttonCodes, button) ? this.buttonCodes[button] : undefined;
    if (code === undefined) {
      fail(
        'button arguments',
        `button must be one of ${Object.keys(this.buttonCodes).join(', ')}, got ${JSON.stringify(button)}`,
      );
    }
    checkBoolean('button arguments', 'down', down);
    this.handle.button(code, down);
  }

  /**
   * High-resolution wheel amounts (120 = one notch; up and right positive),
   * accumulated until whole notches are due. Returns the notches sent.
   */
  scroll(verticalAmount: number, horizontalAmount = 0): number {
    checkCoordinate('scroll arguments', 'verticalAmount', verticalAmount);
    checkCoordinate('scroll arguments', 'horizontalAmount', horizontalAmount);
    return this.handle.scroll(verticalAmount, horizontalAmount);
  }

  /**
   * A Windows virtual-key code (US layout), pressed or released as the key
   * that carries its symbol. Modifiers (Shift, Ctrl, Alt, Win) are keys like
   * any other. False when the code has no key.
   */
  key(virtualKey: number, down: boolean): boolean {
    checkInteger('key arguments', 'virtualKey', virtualKey, 0, 255);
    checkBoolean('key arguments', 'down', down);
    return this.handle.key(virtualKey, down);
  }

  /** Types text, one press and release per code point; what has no key is counted as skipped. */
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

  /** Releases what is held, undoes what it changed, closes the connection or devices. */
  close(): void {
    this.handle.close();
  }
}

/**
 * Mouse and keyboard into a desktop, whichever way the engine reaches it:
 * the input router holds one of these without caring which. Adds what a
 * desktop knows and uinput does not: the screen, and absolute positions.
 */
export abstract class DesktopInputInjector extends PointerKeyboardInjector<NativeDesktopInput> {
  /** Where the input goes: an X display (':0') or a Wayland socket, for log lines. */
  abstract readonly display: string;

  /** The screen (X root window, or the Wayland output) in pixels; follows resizes. */
  screenSize(): ScreenSize {
    return this.handle.screenSize();
  }

  /** Moves the pointer to screen pixels (clamped to the screen). */
  moveTo(x: number, y: number): void {
    checkCoordinate('moveTo arguments', 'x', x);
    checkCoordinate('moveTo arguments', 'y', y);
    this.handle.moveTo(x, y);
  }
}

/**
 * Mouse and keyboard into an X display through XTEST, on its own connection.
 * Text the layout lacks is typed on a spare keycode bound for it (and
 * unbound on close).
 */
export class X11InputInjector extends DesktopInputInjector {
  readonly display: string;

  /** Throws NativeError DISPLAY_UNAVAILABLE when the display cannot be opened or has no XTEST. */
  constructor(options: X11InputOptions) {
    if (typeof options !== 'object' || options === null) fail('X11 input options', 'expected an object');
    if (typeof options.display !== 'string' || options.display === '') {
      fail('X11 input options', `display must be a non-empty string, got ${JSON.stringify(options.display)}`);
    }
    super(new addon.X11Input({ display: options.display }), X_BUTTONS);
    this.display = options.display;
  }
}

function resolveWlrOptions(options: WlrInputOptions): Required<WlrInputOptions> {
  const what = 'wlroots input options';
  if (typeof options !== 'object' || options === null) fail(what, 'expected an object');
  const { display } = options;
  if (typeof display !== 'string' || display === '' || display.includes('\0')) {
    fail(what, `display must be a socket name or path, got ${JSON.stringify(display)}`);
  }
  const runtimeDir = options.runtimeDir ?? process.env.XDG_RUNTIME_DIR ?? '';
  if (typeof runtimeDir !== 'string') fail(what, 'runtimeDir must be a string');
  if (!display.startsWith('/') && !runtimeDir.startsWith('/')) {
    fail(what, `display ${display} is a name, so runtimeDir (or XDG_RUNTIME_DIR) must be an absolute path`);
  }
  const timeoutMs = options.timeoutMs ?? WLR_INPUT_DEFAULTS.timeoutMs;
  checkInteger(what, 'timeoutMs', timeoutMs, 1, 60_000);
  const output = options.output ?? '';
  if (typeof output !== 'string' || !/^[\w.:-]{0,64}$/.test(output)) {
    fail(what, `output must be an output name like 'HEADLESS-1', got ${JSON.stringify(output)}`);
  }
  return { display, runtimeDir, timeoutMs, output };
}

/**
 * Mouse and keyboard into a wlroots compositor (sway, Hyprland, …) through
 * its virtual pointer (zwlr_virtual_pointer_manager_v1) and virtual keyboard
 * (zwp_virtual_keyboard_manager_v1), on a Wayland connection of its own.
 * The keyboard brings its own us keymap; text is typed where that keymap
 * has the character (others are counted as skipped). Absolute motion maps
 * onto the named output (`output`), else the compositor's first output.
 */
export class WlrInputInjector extends DesktopInputInjector {
  readonly display: string;
  readonly runtimeDir: string;

  /**
   * Throws NativeError COMPOSITOR_UNAVAILABLE when the socket cannot be
   * reached or does not answer within timeoutMs, INPUT_UNAVAILABLE when the
   * compositor lacks the protocols (not wlroots), a seat or an output (or
   * has no output named `output`, listing those it has).
   */
  constructor(options: WlrInputOptions) {
    const resolved = resolveWlrOptions(options);
    super(new addon.WlrInput(resolved), EVDEV_BUTTONS);
    this.display = resolved.display;
    this.runtimeDir = resolved.runtimeDir;
  }
}

export interface UinputDesktopOptions {
  /** Default /dev/uinput. */
  devicePath?: string;
}

function checkDevicePath(devicePath: unknown): string {
  if (typeof devicePath !== 'string' || !devicePath.startsWith('/')) {
    fail('uinput options', `devicePath must be an absolute path, got ${JSON.stringify(devicePath)}`);
  }
  return devicePath;
}

function checkButton(what: string, button: PointerButton): number {
  const code = Object.hasOwn(EVDEV_BUTTONS, button) ? EVDEV_BUTTONS[button] : undefined;
  if (code === undefined) {
    fail(
      what,
      `button must be one of ${Object.keys(EVDEV_BUTTONS).join(', ')}, got ${JSON.stringify(button)}`,
    );
  }
  return code;
}

/**
 * A virtual relative mouse and a virtual US keyboard (uinput): mouse and
 * keyboard for whatever reads the kernel's input devices, any compositor
 * included, where no desktop API is reachable. Relative motion only: the
 * mouse has no idea where the pointer is. Throws NativeError
 * UINPUT_UNAVAILABLE ("mouse and keyboard input cannot be injected through
 * uinput: /dev/uinput is not present") where it cannot.
 */
export class UinputMouseKeyboard extends PointerKeyboardInjector {
  readonly devicePath: string;

  constructor(options: UinputDesktopOptions = {}) {
    const devicePath = checkDevicePath(options.devicePath ?? '/dev/uinput');
    super(new addon.UinputDesktop({ devicePath }), EVDEV_BUTTONS);
    this.devicePath = devicePath;
  }
}

/** One call on UinputMouseKeyboard, for uinputDesktopEvents(). */
export type UinputDesktopAction =
  | { kind: 'moveBy'; dx: number; dy: number }
  | { kind: 'button'; button: PointerButton; down: boolean }
  | { kind: 'scroll'; vertical: number; horizontal: number }
  | { kind: 'key'; virtualKey: number; down: boolean }
  | { kind: 'text'; text: string }
  | { kind: 'releaseAll' };

export interface UinputDesktopEvents {
  mouse: EvdevEvent[];
  keyboard: EvdevEvent[];
}

function actionArgs(a: UinputDesktopAction): (string | number)[] {
  const what = 'uinputDesktopEvents action';
  switch (a.kind) {
    case 'moveBy':
      checkCoordinate(what, 'dx', a.dx);
      checkCoordinate(what, 'dy', a.dy);
      return ['moveBy', a.dx, a.dy];
    case 'button':
      return ['button', checkButton(what, a.button), a.down ? 1 : 0];
    case 'scroll':
      checkCoordinate(what, 'vertical', a.vertical);
      checkCoordinate(what, 'horizontal', a.horizontal);
      return ['scroll', a.vertical, a.horizontal];
    case 'key':
      checkInteger(what, 'virtualKey', a.virtualKey, 0, 255);
      return ['key', a.virtualKey, a.down ? 1 : 0];
    case 'text':
      if (typeof a.text !== 'string') fail(what, 'text must be a string');
      return ['text', a.text];
    case 'releaseAll':
      return ['releaseAll'];
    default:
      fail(what, `unknown action ${JSON.stringify(a)}`);
  }
}

/**
 * The evdev events UinputMouseKeyboard writes for a sequence of calls
 * (null for a key that has none), per device, from a fresh state: the
 * mapping, without /dev/uinput.
 */
export function uinputDesktopEvents(actions: UinputDesktopAction[]): (UinputDesktopEvents | null)[] {
  if (!Array.isArray(actions)) fail('uinputDesktopEvents arguments', 'expected an array of actions');
  return addon.uinputDesktopEvents(actions.map(actionArgs)) as (NativeDesktopEvents | null)[];
}

/**
 * The X keysym the engine presses for a Windows virtual-key code (US
 * layout; letters are their unshifted symbol), 0 when the code has none:
 * the same table the X11 and wlroots injectors use, for injectors that take
 * keysyms (GNOME's remote desktop).
 */
export function keysymForVirtualKey(virtualKey: number): number {
  checkInteger('keysymForVirtualKey arguments', 'virtualKey', virtualKey, 0, 255);
  return addon.keysymForVirtualKey(virtualKey);
}

/**
 * The keysym that types a Unicode code point: Latin-1 is its own keysym,
 * others 0x01000000 + code point; newline, tab and backspace are their keys;
 * 0 for other control characters.
 */
export function keysymForCodePoint(codePoint: number): number {
  checkInteger('keysymForCodePoint arguments', 'codePoint', codePoint, 0, 0x10ffff);
  return addon.keysymForCodePoint(codePoint);
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
