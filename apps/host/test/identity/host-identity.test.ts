import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certificateFingerprint, normalizeFingerprint } from '../../src/identity/certificate.js';
import { IdentityError, loadOrCreateIdentity } from '../../src/identity/host-identity.js';
import { tempRoot } from '../recorder/fixtures.js';

let root: string;
let configDir: string;
beforeEach(async () => {
  root = await tempRoot();
  configDir = join(root, 'punktfunk');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('host identity', () => {
  it('creates an RSA-2048 SHA-256 self-signed certificate and a 0600 key in a 0700 directory', async () => {
    const identity = await loadOrCreateIdentity(configDir, 'box');
    const cert = new X509Certificate(identity.certPem);
    expect(cert.subject).toBe(cert.issuer);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.checkPrivateKey(createPrivateKey(identity.keyPem))).toBe(true);
    // sha256WithRSAEncryption, from the signature algorithm in the DER.
    expect(cert.raw.includes(Buffer.from('2a864886f70d01010b', 'hex'))).toBe(true);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 10 * 365 * 86_400_000);
    expect(await mode(configDir)).toBe(0o700);
    expect(await mode(identity.keyPath)).toBe(0o600);
    expect(identity.certFingerprintSha256).toBe(certificateFingerprint(identity.certPem));
    expect(identity.uniqueId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity.hostName).toBe('box');
  });

  it('is reused across restarts: same certificate, key and unique id', async () => {
    const first = await loadOrCreateIdentity(configDir, 'box');
    const second = await loadOrCreateIdentity(configDir, 'renamed');
    expect(second.certFingerprintSha256).toBe(first.certFingerprintSha256);
    expect(second.keyPem).toBe(first.keyPem);
    expect(second.uniqueId).toBe(first.uniqueId);
    expect(second.hostName).toBe('renamed');
  });

  it('refuses half an identity instead of replacing it (that would un-pair every client)', async () => {
    const first = await loadOrCreateIdentity(configDir, 'box');
    await rm(first.certPath);
    await expect(loadOrCreateIdentity(configDir, 'box')).rejects.toThrow(IdentityError);
    await expect(loadOrCreateIdentity(configDir, 'box')).rejects.toThrow(/cert\.pem is missing/);
    expect(await readFile(first.keyPath, 'utf8')).toBe(first.keyPem);
  });

  it('refuses a certificate that does not belong to the key', async () => {
    const first = await loadOrCreateIdentity(configDir, 'box');
    const other = await loadOrCreateIdentity(join(root, 'other'), 'box');
    await writeFile(first.certPath, other.certPem);
    await expect(loadOrCreateIdentity(configDir, 'box')).rejects.toThrow(/do not belong together/);
  });

  it('tightens a key file others could read', async () => {
    const first = await loadOrCreateIdentity(configDir, 'box');
    const { chmod } = await import('node:fs/promises');
    await chmod(first.keyPath, 0o644);
    const warnings: string[] = [];
    await loadOrCreateIdentity(configDir, 'box', { warn: (m) => warnings.push(m) });
    expect(await mode(first.keyPath)).toBe(0o600);
    expect(warnings.join()).toContain('key.pem');
  });
});

describe('fingerprints', () => {
  it('normalise colon-separated and upper-case forms, refuse anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeFingerprint(hex.toUpperCase().match(/../g)!.join(':'))).toBe(hex);
    expect(normalizeFingerprint(hex)).toBe(hex);
    expect(normalizeFingerprint('ab'.repeat(20))).toBeNull();
    expect(normalizeFingerprint('zz'.repeat(32))).toBeNull();
  });
});
