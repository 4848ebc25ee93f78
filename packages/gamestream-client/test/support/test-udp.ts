// Test plumbing over real loopback UDP: a collector for what a native sender
// emits, and a relay that forwards datagrams with chosen ones left out (so a
// test knows exactly which packets the receiver never saw).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

async function bound(): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 16 * 2 ** 20 });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

export class UdpCollector {
  readonly datagrams: Buffer[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (m) => this.datagrams.push(m));
  }

  static async open(): Promise<UdpCollector> {
    return new UdpCollector(await bound());
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Waits until `count` datagrams arrived and takes them. */
  async take(count: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.datagrams.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.datagrams.length} of ${count} datagrams`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return this.datagrams.splice(0, count);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Sender → relay → receiver. Datagrams from the sender go on to `target`
 * unless `drop(index, datagram)` says no; whatever the receiver sends back
 * (its pings) goes to the last sender seen. `seen` keeps every datagram
 * in arrival order, dropped ones included, with the decision.
 */
export class LossyRelay {
  readonly seen: { datagram: Buffer; dropped: boolean }[] = [];
  target = 0;
  private senderAddress: RemoteInfo | null = null;

  private constructor(
    readonly socket: Socket,
    private readonly drop: (index: number, datagram: Buffer) => boolean,
  ) {
    socket.on('message', (m, from) => this.onMessage(m, from));
  }

  static async open(drop: (index: number, datagram: Buffer) => boolean): Promise<LossyRelay> {
    return new LossyRelay(await bound(), drop);
  }

  get port(): number {
    return this.socket.address().port;
  }

  private onMessage(m: Buffer, from: RemoteInfo): void {
    if (from.port === this.target) {
      // The receiver's pings: back to the sender, if there is one yet.
      if (this.senderAddress) this.socket.send(m, this.senderAddress.port, this.senderAddress.address);
      return;
    }
    this.senderAddress = from;
    const dropped = this.drop(this.seen.length, m);
    this.seen.push({ datagram: m, dropped });
    if (!dropped && this.target) this.socket.send(m, this.target, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}

/** Every subset of {0..n-1} with at most `k` members, smallest first. */
export function* subsetsUpTo(n: number, k: number): Generator<number[]> {
  function* choose(start: number, size: number, prefix: number[]): Generator<number[]> {
    if (prefix.length === size) {
      yield [...prefix];
      return;
    }
    for (let i = start; i < n; i++) {
      prefix.push(i);
      yield* choose(i + 1, size, prefix);
      prefix.pop();
    }
  }
  for (let size = 0; size <= k; size++) yield* choose(0, size, []);
}

/** A small deterministic generator for test choices (not the receiver's loss model). */
export function testRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
