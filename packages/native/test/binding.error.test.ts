// The raw binding, called without its facade: every constructor requires
// every field of its options (the facade fills the defaults; the C++ wrappers
// have none), and a missing or ill-typed field is an INVALID_ARGUMENT that
// names the object and the field.
import { describe, expect, it } from 'vitest';
import { type Addon, addon } from '../src/binding.js';
import {
  validateCaptureOptions,
  validateDecoderOptions,
  validateEncoderOptions,
  validateGameStreamAudioOptions,
  validateGameStreamVideoOptions,
  validateMediaReceiverOptions,
  validateMediaSenderOptions,
  validateOpusDecoderOptions,
} from '../src/index.js';
import { errorOf } from './support/native-error.js';

type RawConstructor = new (options: unknown) => { close(): void };

const key = new Uint8Array(16);
const salt = new Uint8Array(4);

/** Each constructor, the name its messages use, and complete options as its facade makes them. */
const constructors: [keyof Addon, string, Record<string, unknown>][] = [
  [
    'Capture',
    'Capture options',
    { ...validateCaptureOptions({ width: 64, height: 64, pixelFormat: 'yuv420p' }) },
  ],
  [
    'Encoder',
    'Encoder options',
    {
      ...validateEncoderOptions({
        codec: 'h264',
        backend: 'software',
        width: 64,
        height: 64,
        fps: 30,
        bitrateKbps: 1000,
      }),
    },
  ],
  ['Decoder', 'Decoder options', { ...validateDecoderOptions({ codec: 'h264' }) }],
  [
    'MediaSender',
    'MediaSender options',
    { ...validateMediaSenderOptions({ remoteHost: '127.0.0.1', remotePort: 9, key, salt }) },
  ],
  [
    'MediaReceiver',
    'MediaReceiver options',
    { ...validateMediaReceiverOptions({ localAddress: '127.0.0.1', key, salt }) },
  ],
  ['GameStreamVideoSender', 'GameStreamVideoSender options', { ...validateGameStreamVideoOptions({}) }],
  ['GameStreamAudioSender', 'GameStreamAudioSender options', { ...validateGameStreamAudioOptions({}) }],
  ['OpusDecoder', 'OpusDecoder options', { ...validateOpusDecoderOptions() }],
  ['X11Input', 'X11Input options', { display: ':0' }],
  ['WlrInput', 'WlrInput options', { display: 'wayland-77', runtimeDir: '/nonexistent', timeoutMs: 100 }],
  ['UinputGamepad', 'UinputGamepad options', { devicePath: '/dev/uinput' }],
  ['UinputDesktop', 'UinputDesktop options', { devicePath: '/dev/uinput' }],
];

function rawConstructor(name: keyof Addon): RawConstructor {
  return addon[name] as unknown as RawConstructor;
}

const cases = constructors.flatMap(([name, what, complete]) =>
  Object.keys(complete).map((field) => ({ name, field, what, complete })),
);

describe('the native wrappers require every option field', () => {
  it('the Addon interface names every export of the .node, and nothing else', () => {
    const described: Record<keyof Addon, true> = {
      setErrorClass: true,
      monotonicUs: true,
      releaseFreeMemory: true,
      openCodecContexts: true,
      liveEncodedPackets: true,
      liveHandles: true,
      probeX11Display: true,
      Capture: true,
      Encoder: true,
      Decoder: true,
      MediaSender: true,
      MediaReceiver: true,
      GameStreamVideoSender: true,
      GameStreamAudioSender: true,
      OpusDecoder: true,
      X11Input: true,
      WlrInput: true,
      UinputGamepad: true,
      gamepadEvents: true,
      UinputDesktop: true,
      uinputDesktopEvents: true,
      keysymForVirtualKey: true,
      keysymForCodePoint: true,
    };
    expect(Object.keys(addon).sort()).toEqual(Object.keys(described).sort());
  });

  it('a PipeWire capture requires every field of its nested pipewire options', () => {
    const complete = validateCaptureOptions({
      source: 'pipewire',
      width: 64,
      height: 64,
      pixelFormat: 'yuv420p',
      pipewire: { nodeId: 1 },
    });
    const { stallTimeoutMs: _left, ...pipewire } = complete.pipewire ?? {};
    const error = errorOf(() => new (rawConstructor('Capture'))({ ...complete, pipewire }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('Capture options.pipewire: stallTimeoutMs is required');
  });

  it('a wlroots capture requires every field of its nested wlr options', () => {
    const complete = validateCaptureOptions({
      source: 'wlr',
      width: 64,
      height: 64,
      pixelFormat: 'yuv420p',
      wlr: { display: 'wayland-1', runtimeDir: '/run/user/1000' },
    });
    const { output: _left, ...wlr } = complete.wlr ?? {};
    const error = errorOf(() => new (rawConstructor('Capture'))({ ...complete, wlr }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('Capture options.wlr: output is required');
    const without = errorOf(() => new (rawConstructor('Capture'))({ ...complete, wlr: undefined }));
    expect(without.code).toBe('INVALID_ARGUMENT');
    expect(without.message).toContain('Capture options: wlr is required');
  });

  it.each(cases)('$name without $field is refused, naming the field', ({ name, field, what, complete }) => {
    const { [field]: _left, ...missing } = complete;
    const error = errorOf(() => new (rawConstructor(name))(missing));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(new RegExp(`^${what}: ${field} is required \\(.+\\), got undefined$`));
  });

  it.each(cases)(
    '$name with an object for $field is refused, naming it',
    ({ name, field, what, complete }) => {
      const error = errorOf(() => new (rawConstructor(name))({ ...complete, [field]: {} }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(new RegExp(`^${what}: ${field} must be .+, got an object$`));
    },
  );

  it.each(constructors)('%s without an options object is refused', (name, what) => {
    for (const [value, got] of [
      [undefined, 'undefined'],
      [null, 'null'],
      ['options', 'a string'],
      [[], 'an array'],
    ] as const) {
      const error = errorOf(() => new (rawConstructor(name))(value));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe(`${what} must be an object, got ${got}`);
    }
  });

  it('the complete options the facades make are accepted', () => {
    for (const [name, , complete] of constructors) {
      // These need an X display, /dev/uinput and a compositor; their fields are checked above.
      if (['X11Input', 'UinputGamepad', 'UinputDesktop', 'WlrInput'].includes(name)) continue;
      new (rawConstructor(name))(complete).close();
    }
  });

  it('integers are whole numbers in range, not silently cut', () => {
    const [, , capture] = constructors[0]!;
    const Capture = rawConstructor('Capture');
    expect(errorOf(() => new Capture({ ...capture, width: 64.5 })).message).toBe(
      'Capture options: width must be an integer (int32), got 64.5',
    );
    expect(errorOf(() => new Capture({ ...capture, width: 2 ** 31 })).message).toBe(
      'Capture options: width must be an integer (int32), got 2147483648',
    );
  });

  it('a gamepad state needs every field, and probeX11Display a string', () => {
    const neutral = {
      buttons: 0,
      leftTrigger: 0,
      rightTrigger: 0,
      leftStickX: 0,
      leftStickY: 0,
      rightStickX: 0,
      rightStickY: 0,
    };
    const { leftStickY: _left, ...partial } = neutral;
    const gamepadEvents = addon.gamepadEvents as (before: unknown, after: unknown) => unknown;
    expect(errorOf(() => gamepadEvents(neutral, partial)).message).toBe(
      'gamepad state: leftStickY is required (an integer (int32)), got undefined',
    );
    expect(gamepadEvents(neutral, neutral)).toEqual([]);
    const probe = addon.probeX11Display as (display: unknown) => unknown;
    expect(errorOf(() => probe(undefined)).message).toBe(
      'probeX11Display(display): display must be a string, got undefined',
    );
  });
});
