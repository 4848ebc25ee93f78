// The client's certificate and unique id, made on first use and kept (0600)
// in the client's directory: the host knows a paired client by both.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificateAndKey, createSelfSignedCertificate } from '@punktfunk/identity';

export interface GsClientIdentity {
  cert: CertificateAndKey;
  /** 16 hex digits, as Moonlight sends in `uniqueid`. */
  uniqueId: string;
}

export async function loadOrCreateGsClientIdentity(dir: string): Promise<GsClientIdentity> {
  const certPath = join(dir, 'client-cert.pem');
  const keyPath = join(dir, 'client-key.pem');
  const idPath = join(dir, 'unique-id');
  if (existsSync(certPath) && existsSync(keyPath) && existsSync(idPath)) {
    return {
      cert: { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') },
      uniqueId: readFileSync(idPath, 'utf8').trim(),
    };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Moonlight's certificates carry this name; hosts show it nowhere, but some check it.
  const cert = await createSelfSignedCertificate('NVIDIA GameStream Client');
  const uniqueId = randomBytes(8).toString('hex').toUpperCase();
  writeFileSync(keyPath, cert.keyPem, { mode: 0o600 });
  writeFileSync(certPath, cert.certPem, { mode: 0o600 });
  writeFileSync(idPath, `${uniqueId}\n`, { mode: 0o600 });
  return { cert, uniqueId };
}
