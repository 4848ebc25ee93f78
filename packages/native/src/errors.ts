/** Error codes the engine and its facade raise. */
export type NativeErrorCode =
  | 'INVALID_ARGUMENT'
  | 'ENCODER_UNAVAILABLE'
  | 'ENCODER_FAILED'
  | 'DECODER_UNAVAILABLE'
  | 'DECODER_FAILED'
  | 'CONVERTER_FAILED'
  | 'CLOSED'
  | 'OUT_OF_MEMORY'
  | 'NATIVE_FAILURE'
  | 'NETWORK_FAILED'
  | 'CRYPTO_FAILED'
  | 'KEY_EXHAUSTED'
  | 'BIND_FAILED'
  | 'NOT_CONNECTED'
  | 'AUDIO_SOURCE_UNAVAILABLE'
  | 'CAPTURE_UNAVAILABLE'
  | 'DISPLAY_UNAVAILABLE'
  | 'UINPUT_UNAVAILABLE'
  | 'COMPOSITOR_UNAVAILABLE'
  | 'INPUT_UNAVAILABLE'
  | 'ADDON_NOT_BUILT';

/**
 * Every failure of the native engine, whether caught by validation here or
 * raised in C++, is a NativeError with a stable `code`.
 */
export class NativeError extends Error {
  readonly code: NativeErrorCode;

  // Argument order (code, message) matches what the addon passes when it
  // constructs this class itself.
  constructor(code: NativeErrorCode, message: string) {
    super(message);
    this.name = 'NativeError';
    this.code = code;
  }
}

export function invalidArgument(message: string): NativeError {
  return new NativeError('INVALID_ARGUMENT', message);
}
