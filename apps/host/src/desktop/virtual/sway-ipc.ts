// sway's IPC (sway-ipc(7)): on a unix socket (SWAYSOCK), each message is
// "i3-ipc", the payload's length and the message type (both 32-bit, native
// byte order: little-endian on the machines we run on), then JSON. One
// connection answers requests in order; a connection that subscribed gets
// events (type with the high bit set) and is used for nothing else.
import { connect, type Socket } from 'node:net';

const MAGIC = Buffer.from('i3-ipc', 'ascii');
const HEADER_BYTES = MAGIC.length + 8;
const EVENT_BIT = 0x80000000;
const REQUEST_TIMEOUT_MS = 5_000;

export const SWAY_IPC = { runCommand: 0, subscribe: 2, getOutputs: 3 } as const;

/** What get_outputs says of one output (the fields used here). */
export interface SwayOutput {
  name: string;
  active: boolean;
  focused?: boolean;
  rect: { x: number; y: number; width: number; height: number };
  current_mode?: { width: number; height: number; refresh: number };
}

function frame(type: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeUInt32LE(body.length, MAGIC.length);
  header.writeUInt32LE(type, MAGIC.length + 4);
  return Buffer.concat([header, body]);
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout };

export class SwayIpc {
  private buffered = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedReason: string | null = null;
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private onEvent: ((type: number, body: unknown) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', (error) => this.closed(`sway's IPC at ${path} failed: ${error.message}`));
    socket.on('close', () => this.closed(`sway's IPC at ${path} closed (sway exited?)`));
  }

  /** Connects; rejects with the reason when nothing answers at `path`. */
  static connect(path: string): Promise<SwayIpc> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => resolve(new SwayIpc(socket, path)));
      socket.once('error', (error) =>
        reject(new Error(`cannot reach sway's IPC at ${path}: ${error.message}`)),
      );
    });
  }

  /** One request; resolves with its parsed JSON answer. */
  request(type: number, payload = ''): Promise<unknown> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.closed(`sway's IPC at ${this.path} did not answer within ${REQUEST_TIMEOUT_MS} ms`);
      }, REQUEST_TIMEOUT_MS);
      this.pending.push({ resolve, reject, timer });
      this.socket.write(frame(type, payload));
    });
  }

  /** Runs sway commands; throws with sway's own error when one fails. */
  async command(text: string): Promise<void> {
    const results = (await this.request(SWAY_IPC.runCommand, text)) as { success: boolean; error?: string }[];
    const failed = results.find((r) => !r.success);
    if (failed) throw new Error(`sway refused '${text}': ${failed.error ?? 'no reason given'}`);
  }

  async outputs(): Promise<SwayOutput[]> {
    return (await this.request(SWAY_IPC.getOutputs)) as SwayOutput[];
  }

  /** Subscribes to `events` ('output', 'shutdown'); `listener` gets each one. */
  async subscribe(events: string[], listener: (type: number, body: unknown) => void): Promise<void> {
    this.onEvent = listener;
    const answer = (await this.request(SWAY_IPC.subscribe, JSON.stringify(events))) as { success: boolean };
    if (!answer.success) throw new Error(`sway refused to subscribe to ${events.join(', ')}`);
  }

  /** Called once with the reason when the connection ends (not by close()). */
  onClose(listener: (reason: string) => void): void {
    if (this.closedReason) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.closedReason ??= 'closed';
    this.socket.destroy();
  }

  private closed(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= HEADER_BYTES) {
      if (!this.buffered.subarray(0, MAGIC.length).equals(MAGIC)) {
        this.closed(`sway's IPC at ${this.path} sent something that is not an IPC message`);
        return;
      }
      const length = this.buffered.readUInt32LE(MAGIC.length);
      const type = this.buffered.readUInt32LE(MAGIC.length + 4);
      if (this.buffered.length < HEADER_BYTES + length) return;
      const body = this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + length).toString('utf8');
      this.buffered = this.buffered.subarray(HEADER_BYTES + length);
      this.deliver(type, body);
    }
  }

  private deliver(type: number, body: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.closed(`sway's IPC at ${this.path} sent a message that is not JSON`);
      return;
    }
    if ((type & EVENT_BIT) !== 0) {
      this.onEvent?.(type & ~EVENT_BIT, parsed);
      return;
    }
    const next = this.pending.shift();
    if (!next) return;
    clearTimeout(next.timer);
    next.resolve(parsed);
  }
}
