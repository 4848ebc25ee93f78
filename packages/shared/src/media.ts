/** Video codecs the engine can encode and decode. */
export type Codec = 'h264' | 'hevc' | 'av1';
export const CODECS: readonly Codec[] = ['h264', 'hevc', 'av1'];

/** Which encoder family to use; `auto` prefers NVENC and falls back to software. */
export type EncoderBackend = 'auto' | 'nvenc' | 'software';
export const ENCODER_BACKENDS: readonly EncoderBackend[] = ['auto', 'nvenc', 'software'];

/** The backend actually opened. */
export type OpenedBackend = 'nvenc' | 'software';

export type PixelFormat = 'yuv420p' | 'nv12' | 'yuv444p';
