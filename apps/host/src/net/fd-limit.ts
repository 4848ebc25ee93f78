// The open-file limit against the connection caps. Node raises its soft
// RLIMIT_NOFILE to the hard limit at start, so the limit read here is the
// one the host runs with; when the caps would let unauthenticated peers take
// more than half of it, the operator is told which knob to turn.
import { readFileSync } from 'node:fs';
import type { ListenersConfig } from '../config/index.js';

/** pf1 control, GameStream HTTP/HTTPS/RTSP. */
const PUBLIC_LISTENERS = 4;
/** Management HTTP and TLS. */
const MANAGEMENT_LISTENERS = 2;

/** The soft open-file limit of this process; null where /proc cannot tell. */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}

export function checkOpenFileLimit(config: ListenersConfig, log: { warn(line: string): void }): void {
  const limit = openFileLimit();
  if (limit === null) return;
  const pub = config.publicLimits;
  const mgmt = config.managementLimits;
  const worstCase =
    PUBLIC_LISTENERS * pub.maxUnauthenticated +
    MANAGEMENT_LISTENERS * (mgmt.maxUnauthenticated + mgmt.loopbackReserve);
  if (worstCase > limit / 2) {
    log.warn(
      `the open-file limit is ${limit}, and unauthenticated peers may hold ${worstCase} connections: ` +
        'raise the hard limit (LimitNOFILE=, ulimit -Hn) or lower PUNKTFUNK_MAX_UNAUTHENTICATED',
    );
  }
}
