// Who this host is: a stable unique id, a display name, and its own
// certificate and key (created on first run, reused after). The management
// API's TLS lane serves this certificate; GameStream pairing will reuse it.
import { createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import {
  ensurePrivateDir,
  ensurePrivateFile,
  type FileLog,
  readPrivateFile,
  removeStaleTempFiles,
  writePrivateFileAtomic,
} from '../fs/private-files.js';
import { certificateFingerprint, createSelfSignedCertificate } from './certificate.js';

export interface HostIdentity {
  uniqueId: string;
  hostName: string;
  certPem: string;
  keyPem: string;
  certFingerprintSha256: string;
  certPath: string;
  keyPath: string;
}

export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readPrivateFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function loadOrCreateUniqueId(configDir: string): Promise<string> {
  const path = join(configDir, 'host-id');
  const existing = await readIfPresent(path);
  if (existing !== null) {
    const id = existing.trim();
    if (!UUID.test(id)) throw new IdentityError(`${path} does not hold a UUID; fix or delete it`);
    return id;
  }
  const id = randomUUID();
  await writePrivateFileAtomic(path, `${id}\n`);
  return id;
}

async function loadOrCreateCertificate(configDir: string, log?: FileLog) {
  const certPath = join(configDir, 'cert.pem');
  const keyPath = join(configDir, 'key.pem');
  const [certPem, keyPem] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (certPem === null && keyPem === null) {
    const created = await createSelfSignedCertificate('punktfunk host');
    // Key first: a crash between the two leaves a key without a certificate,
    // which the next start reports instead of silently replacing.
    await writePrivateFileAtomic(keyPath, created.keyPem);
    await writePrivateFileAtomic(certPath, created.certPem);
    return { certPath, keyPath, ...created };
  }
  // Replacing half of an identity would un-pair every client: refuse, and say what to do.
  if (certPem === null || keyPem === null) {
    const missing = certPem === null ? certPath : keyPath;
    throw new IdentityError(`${missing} is missing; restore it, or delete both cert.pem and key.pem`);
  }
  try {
    if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
      throw new IdentityError(`${certPath} and ${keyPath} do not belong together`);
    }
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw new IdentityError(`cannot read ${certPath} / ${keyPath}: ${(error as Error).message}`);
  }
  await ensurePrivateFile(keyPath, log);
  return { certPath, keyPath, certPem, keyPem };
}

export async function loadOrCreateIdentity(
  configDir: string,
  hostName: string,
  log?: FileLog,
): Promise<HostIdentity> {
  await ensurePrivateDir(configDir, log);
  // The first thing the host opens in its config dir, so nothing writes there yet.
  await removeStaleTempFiles(configDir);
  const uniqueId = await loadOrCreateUniqueId(configDir);
  const cert = await loadOrCreateCertificate(configDir, log);
  return { uniqueId, hostName, ...cert, certFingerprintSha256: certificateFingerprint(cert.certPem) };
}
