// One client run: TLS control connection, media over UDP, decode, feedback.
import { createWriteStream, type WriteStream, writeFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import type { CertificateAndKey } from '@punktfunk/identity';
import { MediaReceiver, monotonicUs, VideoDecoder } from '@punktfunk/native';
import {
  type ClientMessage,
  deriveMediaKeying,
  encodeFrame,
  FrameDecoder,
  generatePin,
  type HostMessage,
  PROTOCOL_NAME,
  pairingProof,
  parseHostMessage,
  proofsEqual,
  type WelcomeMessage,
} from '@punktfunk/protocol';
import type { ClientArgs } from './args.js';
import type { KnownHosts } from './known-hosts.js';
import { type ClientSummary, percentile } from './summary.js';

const TIMING_REPORT_MS = 250;
const LOSS_REPORT_MS = 1000;
const POLL_TIMEOUT_MS = 2;

interface Counters {
  framesLost: number;
  fecRecoveredFrames: number;
  datagrams: number;
  dropped: number;
  authFailures: number;
}

export class ClientSession {
  private socket!: TLSSocket;
  private receiver!: MediaReceiver;
  private decoder: VideoDecoder | null = null;
  private welcome: WelcomeMessage | null = null;
  private readonly control = new FrameDecoder();
  private out: WriteStream | null = null;
  private lastFrameWritten = false;
  private clockOffsetUs = 0;
  private timings: [number, number, number][] = [];
  private readonly e2eUs: number[] = [];
  private readonly decodeUs: number[] = [];
  private reportedLoss = { framesLost: 0, fecRecoveredFrames: 0, dropped: 0 };
  private counters: Counters = {
    framesLost: 0,
    fecRecoveredFrames: 0,
    datagrams: 0,
    dropped: 0,
    authFailures: 0,
  };
  private framesReceived = 0;
  private framesDecoded = 0;
  private decodeErrors = 0;
  private counterMismatches = 0;
  private framesWithoutCounter = 0;
  private bytesReceived = 0;
  private firstFrameUs: number | null = null;
  private lastFrameUs: number | null = null;
  private stopReason = 'still running';
  private hostEnded = false;
  private done = false;
  /** After a lost frame, later frames reference what is missing: wait for an IDR. */
  private awaitingIdr = false;
  private nextFrameIndex: number | null = null;
  private framesSkippedUntilIdr = 0;

  private pin: string | null = null;

  constructor(
    private readonly args: ClientArgs,
    private readonly knownHosts: KnownHosts,
    private readonly identity: CertificateAndKey,
    private readonly log: (line: string) => void,
  ) {}

  run(): Promise<ClientSummary> {
    return new Promise((resolve, reject) => {
      this.socket = connect({
        host: this.args.host,
        port: this.args.port,
        // Self-signed host: trust is the pinned fingerprint (known-hosts), checked below.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
        // Our own certificate: what the host remembers once this client is paired.
        cert: this.identity.certPem,
        key: this.identity.keyPem,
      });
      this.socket.once('secureConnect', () => {
        try {
          this.onConnected();
        } catch (error) {
          reject(error);
        }
      });
      this.socket.on('data', (chunk: Buffer) => this.onControlData(chunk));
      this.socket.on('error', (error) => this.finish(`control connection: ${error.message}`));
      this.socket.on('close', () => {
        this.finish(this.done ? this.stopReason : 'host closed the connection');
        resolve(this.summary());
      });
    });
  }

  private send(message: ClientMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(message));
  }

  private onConnected(): void {
    const fingerprint = this.socket.getPeerCertificate().fingerprint256 ?? '';
    const pin = this.knownHosts.check(`${this.args.host}:${this.args.port}`, fingerprint);
    if (pin.result === 'mismatch') {
      this.socket.destroy();
      throw new Error(`host certificate ${fingerprint} does not match the pinned ${pin.pinned}; refusing`);
    }
    if (pin.result === 'pinned') this.log(`pinned host certificate ${fingerprint}`);
    const keying = deriveMediaKeying(this.socket);
    this.receiver = new MediaReceiver({
      localPort: 0,
      key: keying.key,
      salt: keying.salt,
      dropRate: this.args.dropRate,
      dropSeed: 1,
    });
    this.sendHello();
  }

  private sendHello(): void {
    this.send({
      type: 'hello',
      protocol: PROTOCOL_NAME,
      clientName: this.args.name,
      codecs: [this.args.codec],
      width: this.args.width,
      height: this.args.height,
      fps: this.args.fps,
      bitrateKbps: this.args.bitrateKbps,
      fecPercent: this.args.fecPercent,
      udpPort: this.receiver.localPort,
    });
  }

  private onControlData(chunk: Buffer): void {
    try {
      for (const raw of this.control.push(chunk)) this.onHostMessage(parseHostMessage(raw));
    } catch (error) {
      this.log(`bad message from host: ${(error as Error).message}`);
      this.stop('protocol error');
    }
  }

  private onHostMessage(message: HostMessage): void {
    if (message.type === 'welcome') {
      this.onWelcome(message);
      return;
    }
    if (message.type === 'ping') {
      const nowUs = monotonicUs();
      this.clockOffsetUs = nowUs - message.hostUs - (message.rttUs ?? 0) / 2;
      this.send({ type: 'pong', hostUs: message.hostUs, clientUs: nowUs });
      return;
    }
    if (this.onPairingMessage(message)) return;
    if (message.type === 'stopped') this.stopReason = `host stopped: ${message.reason}`;
    else if (message.type === 'error') this.stopReason = `host error: ${message.message}`;
    else this.stopReason = `unexpected '${message.type}' from the host`;
    this.hostEnded = true;
    this.socket.end();
  }

  /** Pairing with a host that does not know this client yet; true if the message was part of it. */
  private onPairingMessage(message: HostMessage): boolean {
    if (message.type === 'pairing-required') {
      this.pin = generatePin();
      this.log(
        `this host asks to pair: enter PIN ${this.pin} on its Pairing page (web console) to accept this client`,
      );
      this.send({ type: 'pair', clientName: this.args.name });
    } else if (message.type === 'pair-pending') {
      this.log(`waiting for the operator to enter the PIN (request ${message.requestId})`);
    } else if (message.type === 'pair-proof' && this.pin !== null) {
      if (!proofsEqual(message.proof, pairingProof(this.socket, this.pin, 'host'))) {
        this.send({ type: 'pair-fail', reason: 'the PIN entered on the host was wrong' });
        this.stop('pairing failed: the PIN entered on the host was wrong; run the client again to retry');
        return true;
      }
      this.send({ type: 'pair-proof', proof: pairingProof(this.socket, this.pin, 'client') });
    } else if (message.type === 'paired') {
      this.log('paired with the host');
      this.sendHello();
    } else {
      return false;
    }
    return true;
  }

  private onWelcome(welcome: WelcomeMessage): void {
    this.welcome = welcome;
    this.decoder = new VideoDecoder({ codec: welcome.codec });
    if (this.args.out) this.out = createWriteStream(this.args.out);
    this.send({ type: 'start' });
    const endAt = Date.now() + this.args.seconds * 1000;
    let lastTimingMs = Date.now();
    let lastLossMs = Date.now();
    const pump = () => {
      if (this.done) return;
      this.receive();
      const now = Date.now();
      if (now - lastTimingMs >= TIMING_REPORT_MS) {
        this.flushTimings();
        lastTimingMs = now;
      }
      if (now - lastLossMs >= LOSS_REPORT_MS) {
        this.reportLoss();
        lastLossMs = now;
      }
      if (now >= endAt) this.stop(`ran for ${this.args.seconds} s`);
      else setImmediate(pump);
    };
    setImmediate(pump);
  }

  private receive(): void {
    const got = this.receiver.poll(POLL_TIMEOUT_MS);
    this.counters = got.counters;
    for (const frame of got.frames) {
      this.framesReceived++;
      this.bytesReceived += frame.data.length;
      this.out?.write(frame.data);
      if (this.skipAfterLoss(frame.frameIndex, frame.keyframe)) continue;
      this.decodeFrame(frame.frameIndex, frame.data, frame.captureStartUs);
    }
  }

  /** True for frames that depend on a lost one; asks for an IDR once per gap. */
  private skipAfterLoss(frameIndex: number, keyframe: boolean): boolean {
    const gap = this.nextFrameIndex !== null && frameIndex !== this.nextFrameIndex;
    this.nextFrameIndex = frameIndex + 1;
    if (keyframe) {
      this.awaitingIdr = false;
      return false;
    }
    if (gap && !this.awaitingIdr) {
      this.awaitingIdr = true;
      this.send({ type: 'idr' });
    }
    if (this.awaitingIdr) this.framesSkippedUntilIdr++;
    return this.awaitingIdr;
  }

  private decodeFrame(frameIndex: number, data: Buffer, captureStartUs: number): void {
    if (!this.decoder) return;
    try {
      const result = this.decoder.decode(data);
      const decodedHostUs = monotonicUs() - this.clockOffsetUs;
      for (const f of result.frames) {
        this.framesDecoded++;
        // A host streaming its desktop draws no counter; only a drawn one can mismatch.
        if (f.frameCounter === null) this.framesWithoutCounter++;
        else if (f.frameCounter !== frameIndex) this.counterMismatches++;
      }
      this.decodeUs.push(result.decodeUs);
      this.e2eUs.push(decodedHostUs - captureStartUs);
      this.timings.push([frameIndex, Math.round(decodedHostUs), result.decodeUs]);
      this.firstFrameUs ??= decodedHostUs;
      this.lastFrameUs = decodedHostUs;
    } catch {
      // Corrupt data: count it and resynchronise on the next IDR.
      this.decodeErrors++;
      if (!this.awaitingIdr) this.send({ type: 'idr' });
      this.awaitingIdr = true;
    }
  }

  private flushTimings(): void {
    while (this.timings.length > 0) this.send({ type: 'timing', frames: this.timings.splice(0, 1024) });
  }

  private reportLoss(): void {
    const c = this.counters;
    // Datagrams dropped on purpose (--drop-rate) are the packets this client lost.
    this.send({
      type: 'loss',
      packetsLost: c.dropped - this.reportedLoss.dropped,
      fecRecovered: c.fecRecoveredFrames - this.reportedLoss.fecRecoveredFrames,
    });
    this.reportedLoss = {
      framesLost: c.framesLost,
      fecRecoveredFrames: c.fecRecoveredFrames,
      dropped: c.dropped,
    };
  }

  private stop(reason: string): void {
    if (this.done) return;
    this.stopReason = reason;
    this.flushTimings();
    this.send({ type: 'stop' });
    this.done = true;
    this.socket.end();
  }

  private finish(reason: string): void {
    if (!this.done && !this.hostEnded) this.stopReason = reason;
    this.done = true;
    this.out?.end();
    this.writeLastFrame();
    this.decoder?.close();
    this.receiver?.close();
  }

  /** --last-frame: the last decoded picture as a binary PPM (P6, RGB24), for tests that check pixels. */
  private writeLastFrame(): void {
    const path = this.args.lastFrame;
    // finish() may run twice (an error, then the close): the decoder is closed after the first.
    if (!path || this.lastFrameWritten || !this.decoder || this.framesDecoded === 0 || !this.welcome) return;
    this.lastFrameWritten = true;
    const { width, height } = this.welcome;
    const rgb = this.decoder.lastRgb();
    if (rgb.length !== width * height * 3) return;
    writeFileSync(path, Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`, 'ascii'), rgb]));
  }

  private summary(): ClientSummary {
    const spanS =
      this.firstFrameUs !== null && this.lastFrameUs !== null
        ? (this.lastFrameUs - this.firstFrameUs) / 1e6
        : 0;
    const ms = (v: number | null) => (v === null ? null : Math.round(v) / 1000);
    const c = this.counters;
    return {
      host: `${this.args.host}:${this.args.port}`,
      sessionId: this.welcome?.sessionId ?? null,
      codec: this.welcome?.codec ?? null,
      width: this.welcome?.width ?? null,
      height: this.welcome?.height ?? null,
      encoderName: this.welcome?.encoderName ?? null,
      seconds: this.args.seconds,
      framesReceived: this.framesReceived,
      framesDecoded: this.framesDecoded,
      decodeErrors: this.decodeErrors,
      counterMismatches: this.counterMismatches,
      framesWithoutCounter: this.framesWithoutCounter,
      framesLost: c.framesLost,
      framesSkippedUntilIdr: this.framesSkippedUntilIdr,
      fecRecovered: c.fecRecoveredFrames,
      datagramsReceived: c.datagrams,
      datagramsDroppedOnPurpose: c.dropped,
      authFailures: c.authFailures,
      fps: spanS > 0 ? (this.framesDecoded - 1) / spanS : 0,
      e2eP50Ms: ms(percentile(this.e2eUs, 50)),
      e2eP99Ms: ms(percentile(this.e2eUs, 99)),
      decodeP50Ms: ms(percentile(this.decodeUs, 50)),
      bytesReceived: this.bytesReceived,
      stopReason: this.stopReason,
    };
  }
}
