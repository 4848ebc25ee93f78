// The punktfunk/1 service: the TLS control server, which starts one
// streaming worker per client through the shared session manager.
import { join } from 'node:path';
import { monotonicUs } from '@punktfunk/native';
import type { HelloMessage } from '@punktfunk/protocol';
import type { DesktopConfig, EngineConfig, Pf1Config } from '../config/index.js';
import { resolveCapture } from '../desktop/desktop-source.js';
import type { SessionManager } from '../streaming/core/session-manager.js';
import type { StreamOffer } from './control-connection.js';
import { ControlServer, type ControlServerOptions } from './control-server.js';

export interface Pf1ServiceOptions {
  engine: EngineConfig;
  desktop: DesktopConfig;
  config: Pf1Config;
  sessions: SessionManager;
  cert: string;
  key: string;
  encoderName: string;
  isPaired(fingerprint256: string): boolean;
  pairing: ControlServerOptions['pairing'];
  log(line: string): void;
}

export function streamOffer(o: Pf1ServiceOptions, hello: HelloMessage): StreamOffer {
  // The client says what it wants; the host never exceeds its configured mode.
  const codec = hello.codecs.includes(o.engine.codec) ? o.engine.codec : (hello.codecs[0] ?? o.engine.codec);
  const even = (n: number) => n - (n % 2);
  return {
    codec,
    width: even(Math.min(hello.width, 7680)),
    height: even(Math.min(hello.height, 4320)),
    fps: Math.min(hello.fps, 240),
    bitrateKbps: hello.bitrateKbps ?? o.engine.bitrateKbps,
    fecPercent: hello.fecPercent ?? o.config.fecPercent,
    shardBytes: o.config.shardBytes,
    encoderName: o.encoderName,
  };
}

export interface Pf1Service {
  port: number;
  close(): Promise<void>;
}

export async function startPf1Service(o: Pf1ServiceOptions): Promise<Pf1Service> {
  const server = new ControlServer({
    cert: o.cert,
    key: o.key,
    port: o.config.port,
    bind: o.config.bind,
    loopbackWithoutPairing: o.config.loopbackWithoutPairing,
    isPaired: o.isPaired,
    pairing: o.pairing,
    monotonicUs,
    pingIntervalMs: 1000,
    log: o.log,
    offer: (hello) => streamOffer(o, hello),
    startSession: ({ hello, offer, remoteAddress, key, salt, sessionId }) => {
      const capture = resolveCapture(o.desktop);
      o.log(`native session ${sessionId}: streaming ${capture.description}`);
      return o.sessions.start({
        sessionId,
        kind: 'native',
        client: `${hello.clientName}@${remoteAddress}`,
        windowMs: o.config.windowMs,
        source: {
          kind: 'engine',
          codec: offer.codec,
          backend: o.engine.encoderBackend,
          width: offer.width,
          height: offer.height,
          fps: offer.fps,
          bitrateKbps: offer.bitrateKbps,
          capture: capture.spec,
        },
        send: {
          remoteHost: remoteAddress,
          remotePort: hello.udpPort,
          key,
          salt,
          shardBytes: offer.shardBytes,
          fecPercent: offer.fecPercent,
        },
        traceOutPath: o.config.traceDir ? join(o.config.traceDir, `${sessionId}.trace.jsonl`) : null,
        settings: { capture: capture.description },
      });
    },
  });
  const port = await server.listen();
  o.log(`native punktfunk/1 control on ${o.config.bind}:${port} (TLS)`);
  return { port, close: () => server.close() };
}
