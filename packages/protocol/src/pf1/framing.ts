// punktfunk/1 control-channel framing: each message is a 4-byte big-endian
// length followed by that many bytes of UTF-8 JSON. The decoder is fed
// arbitrary chunks (TCP/TLS boundaries are meaningless) and rejects a frame
// that claims to be larger than MAX_CONTROL_FRAME_BYTES before buffering it.

/** Control messages are small; anything larger is an attack or a bug. */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;

export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

export function encodeFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_CONTROL_FRAME_BYTES)
    throw new FramingError(`message of ${body.length} bytes is too large`);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Returns the complete JSON values in `chunk` (plus what was pending). */
  push(chunk: Buffer): unknown[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: unknown[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (length > MAX_CONTROL_FRAME_BYTES)
        throw new FramingError(`frame of ${length} bytes exceeds ${MAX_CONTROL_FRAME_BYTES}`);
      if (this.pending.length < 4 + length) break;
      const body = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      out.push(parseBody(body));
    }
    return out;
  }

  /** Bytes received that do not yet form a whole frame. */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new FramingError('frame is not valid JSON');
  }
}
