// Wires the streaming paths into the host: one control block whose armed
// flag mirrors the recorder, one session manager that relays worker samples
// to the recorder, and the native punktfunk/1 control server.
import type { SessionInfo, WorkerStatsSample } from '@punktfunk/shared';
import type { DesktopConfig, HostConfig } from './config.js';
import type { PairingStore, PinBroker } from './pf1/pairing.js';
import { loadNativeConfig } from './pf1/pf1-config.js';
import { startNativeService } from './pf1/service.js';
import { ControlBlock } from './streaming/core/control-block.js';
import { SessionManager } from './streaming/core/session-manager.js';

/** The recorder as the streaming side sees it (the host passes its one StatsRecorder). */
export interface RecorderPort {
  isArmed(): boolean;
  onArmedChange(listener: (armed: boolean) => void): () => void;
  noteSession(info: SessionInfo): void;
  noteSessionEnd(sessionId: string): void;
  addSample(sample: WorkerStatsSample): void;
}

export interface StreamingServicesOptions {
  config: HostConfig;
  /** The picture native sessions stream (x11 or synthetic, decided per session). */
  desktop: DesktopConfig;
  recorder: RecorderPort;
  certPem: string;
  keyPem: string;
  encoderName: string;
  isPaired(fingerprint256: string): boolean;
  /** Where native clients that must pair wait for the operator's PIN. */
  pairing: { broker: PinBroker; store: PairingStore };
  log(line: string): void;
}

export interface StreamingServices {
  sessions: SessionManager;
  nativePort: number;
  close(): Promise<void>;
}

export async function startStreamingServices(o: StreamingServicesOptions): Promise<StreamingServices> {
  const control = new ControlBlock();
  control.setArmed(o.recorder.isArmed());
  const unsubscribe = o.recorder.onArmedChange((armed) => control.setArmed(armed));
  const sessions = new SessionManager({ control, sink: o.recorder, perf: o.config.perf, log: o.log });
  const nativeConfig = loadNativeConfig();
  const native = await startNativeService({
    host: o.config,
    desktop: o.desktop,
    native: nativeConfig,
    sessions,
    cert: o.certPem,
    key: o.keyPem,
    encoderName: o.encoderName,
    isPaired: o.isPaired,
    pairing: o.pairing,
    log: o.log,
  });
  o.log(`native punktfunk/1 control on ${nativeConfig.bind}:${native.port} (TLS)`);
  return {
    sessions,
    nativePort: native.port,
    close: async () => {
      await native.server.close();
      await sessions.stopAll();
      unsubscribe();
    },
  };
}
