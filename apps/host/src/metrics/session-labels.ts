// The labels of a session's metrics, from what its recording shows. The
// client label is the client's name, never its address: an unpaired
// punktfunk/1 client is named "name@address" in recordings, and that tail
// is cut here (an address would also make one series per network hop).
import { isIP } from 'node:net';
import type { SessionInfo } from '@punktfunk/shared';
import type { SessionLabels } from './names.js';

const UNKNOWN = 'unknown';

/** The client's name for a label: without an address, 'unknown' when there is none. */
export function clientLabel(client: string | null): string {
  if (client === null) return UNKNOWN;
  let name = client.trim();
  const at = name.lastIndexOf('@');
  if (at >= 0 && isIP(name.slice(at + 1).replace(/^\[(.*)\]$/, '$1')) !== 0) name = name.slice(0, at);
  if (name === '' || isIP(name) !== 0) return UNKNOWN;
  return name;
}

export function sessionLabels(info: SessionInfo): SessionLabels {
  return {
    path: info.kind,
    codec: info.codec,
    encoder: info.encoderName || UNKNOWN,
    client: clientLabel(info.client),
  };
}
