// Assembles the native punktfunk/1 path: the TLS control server, which
// starts one streaming worker per client through the session manager.
import { join } from 'node:path';
import { monotonicUs } from '@punktfunk/native';
import type { HelloMessage } from '@punktfunk/protocol';
import type { DesktopConfig, HostConfig } from '../config.js';
import { resolveCapture } from '../desktop/desktop-source.js';
import type { SessionManager } from '../streaming/core/session-manager.js';
import type { StreamOffer } from './control-connection.js';
import { ControlServer, type ControlServerOptions } from './control-server.js';
import type { NativeConfig } from './pf1-config.js';

export interface NativeServiceOptions {
  host: HostConfig;
  desktop: DesktopConfig;
  native: NativeConfig;
  sessions: SessionManager;
  cert: string;
  key: string;
  encoderName: string;
  isPaired(fingerprint256: string): boolean;
  pairing: ControlServerOptions['pairing'];
  log(line: string): void;
}

export function streamOffer(o: NativeServiceOptions, hello: HelloMessage): StreamOffer {
  // The client says what it wants; the host never exceeds its configured mode.
  const codec = hello.codecs.includes(o.host.codec) ? o.host.codec : (hello.codecs[0] ?? o.host.codec);
  const even = (n: number) => n - (n % 2);
  return {
    codec,
    width: even(Math.min(hello.width, 7680)),
    height: even(Math.min(hello.height, 4320)),
    fps: Math.min(hello.fps, 240),
    bitrateKbps: hello.bitrateKbps ?? o.host.bitrateKbps,
    fecPercent: hello.fecPercent ?? o.native.fecPercent,
    shardBytes: o.native.shardBytes,
    encoderName: o.encoderName,
  };
}

export async function startNativeService(
  o: NativeServiceOptions,
): Promise<{ server: ControlServer; port: number }> {
  const server = new ControlServer({
    cert: o.cert,
    key: o.key,
    port: o.native.port,
    bind: o.native.bind,
    loopbackWithoutPairing: o.native.loopbackWithoutPairing,
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
        windowMs: o.native.windowMs,
        source: {
          kind: 'engine',
          codec: offer.codec,
          backend: o.host.encoderBackend,
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
        traceOutPath: o.native.traceDir ? join(o.native.traceDir, `${sessionId}.trace.jsonl`) : null,
        settings: { capture: capture.description },
      });
    },
  });
  const port = await server.listen();
  return { server, port };
}
