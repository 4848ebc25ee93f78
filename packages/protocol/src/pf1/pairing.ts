// punktfunk/1 pairing by PIN. The client shows the user a PIN; the operator
// types it into the host's console. Each side then proves it knows the PIN,
// bound to this very TLS connection (keying-material exporter), so a proof
// cannot be replayed on another connection. The host proves first; the client
// only answers a correct host proof, so a wrong PIN fails cleanly on both ends.
//
// Limitation (documented in docs/protocol-punktfunk1.md): with a 4-digit PIN
// an active man in the middle on the very first contact could guess the PIN
// from a proof offline; the client pins the host certificate from then on.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { KeyingMaterialExporter } from './keying.js';

export const PAIRING_EXPORTER_LABEL = 'EXPORTER-punktfunk/1 pairing';
export const PIN_DIGITS = 4;

export function generatePin(): string {
  return String(randomInt(0, 10 ** PIN_DIGITS)).padStart(PIN_DIGITS, '0');
}

export function isValidPin(pin: string): boolean {
  return new RegExp(`^[0-9]{${PIN_DIGITS}}$`).test(pin);
}

/** HMAC-SHA256(PIN, exporter || role) as hex; role 'host' or 'client'. */
export function pairingProof(socket: KeyingMaterialExporter, pin: string, role: 'host' | 'client'): string {
  const binding = socket.exportKeyingMaterial(32, PAIRING_EXPORTER_LABEL, Buffer.from('pairing/v1', 'utf8'));
  return createHmac('sha256', pin).update(binding).update(role).digest('hex');
}

export function proofsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
