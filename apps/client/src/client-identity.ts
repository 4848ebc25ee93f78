// The client's own certificate, made on first use and kept (0600) in the
// client's config directory: the host remembers it once paired.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type CertificateAndKey, createSelfSignedCertificate } from '@punktfunk/identity';

export async function loadOrCreateClientIdentity(dir: string): Promise<CertificateAndKey> {
  const certPath = join(dir, 'client-cert.pem');
  const keyPath = join(dir, 'client-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identity = await createSelfSignedCertificate(`punktfunk-client@${hostname()}`);
  writeFileSync(keyPath, identity.keyPem, { mode: 0o600 });
  writeFileSync(certPath, identity.certPem, { mode: 0o600 });
  return identity;
}
