// The media key of a punktfunk/1 session comes from the TLS session itself
// (keying-material exporter, RFC 8446 §7.5): unique to that TLS connection,
// computed by both ends, never sent. The client derives it right after the
// handshake, before it opens its media socket and says hello.
import { MEDIA_KEY_BYTES, MEDIA_KEY_EXPORTER_LABEL, MEDIA_SALT_BYTES } from './messages.js';

/** The part of a TLS socket the exporter needs (node:tls TLSSocket has it). */
export interface KeyingMaterialExporter {
  exportKeyingMaterial(length: number, label: string, context: Buffer): Buffer;
}

export interface MediaKeying {
  /** AES-256-GCM key. */
  key: Buffer;
  /** 4-byte nonce salt. */
  salt: Buffer;
}

const EXPORTER_CONTEXT = Buffer.from('media/v1', 'utf8');

export function deriveMediaKeying(socket: KeyingMaterialExporter): MediaKeying {
  const material = socket.exportKeyingMaterial(
    MEDIA_KEY_BYTES + MEDIA_SALT_BYTES,
    MEDIA_KEY_EXPORTER_LABEL,
    EXPORTER_CONTEXT,
  );
  return { key: material.subarray(0, MEDIA_KEY_BYTES), salt: material.subarray(MEDIA_KEY_BYTES) };
}
