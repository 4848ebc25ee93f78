import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aesEcbDecrypt,
  aesEcbEncrypt,
  certificateSignature,
  clientResponseHash,
  equalBytes,
  hostChallengeResponse,
  pairingAesKey,
  signSecret,
  verifySecret,
} from '../src/index.js';
import { CERT_A, CERT_B, KEY_A } from './fixtures/certificates.js';

/** The tbsCertificate element (header included) of a DER certificate: what the signature covers. */
function tbsOf(der: Buffer): Buffer {
  const headerBytes = (offset: number) => {
    const first = der[offset + 1] ?? 0;
    return first & 0x80 ? 2 + (first & 0x7f) : 2;
  };
  const lengthAt = (offset: number) => {
    const first = der[offset + 1] ?? 0;
    if (!(first & 0x80)) return first;
    let length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
    return length;
  };
  const start = headerBytes(0);
  return der.subarray(start, start + headerBytes(start) + lengthAt(start));
}

describe('GameStream pairing crypto', () => {
  it('derives the AES key as the first 16 bytes of SHA-256(salt || PIN)', () => {
    const salt = Buffer.alloc(16, 7);
    const expected = createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from('1234')]))
      .digest();
    expect(pairingAesKey(salt, '1234')).toEqual(expected.subarray(0, 16));
    expect(pairingAesKey(salt, '1235')).not.toEqual(expected.subarray(0, 16));
  });

  it('round-trips AES-128-ECB without padding and refuses partial blocks', () => {
    const key = randomBytes(16);
    const data = randomBytes(48);
    const encrypted = aesEcbEncrypt(key, data);
    expect(encrypted.length).toBe(48);
    expect(aesEcbDecrypt(key, encrypted)).toEqual(data);
    expect(() => aesEcbEncrypt(key, randomBytes(20))).toThrow(/whole 16-byte blocks/);
  });

  it('extracts the certificate signature bytes: they verify the certificate body', () => {
    const cert = new X509Certificate(CERT_A);
    const der = cert.raw;
    expect(verify('sha256', tbsOf(der), cert.publicKey, certificateSignature(der))).toBe(true);
    expect(certificateSignature(der).length).toBe(256); // RSA-2048
    expect(() => certificateSignature(Buffer.from([0x02, 0x01, 0x00]))).toThrow(/DER SEQUENCE/);
    expect(() => certificateSignature(der.subarray(0, 100))).toThrow(/truncated/);
  });

  it('signs and verifies secrets; a wrong key or damaged signature fails', () => {
    const secret = randomBytes(16);
    const signature = signSecret(KEY_A, secret);
    expect(verifySecret(new X509Certificate(CERT_A), secret, signature)).toBe(true);
    expect(verifySecret(new X509Certificate(CERT_B), secret, signature)).toBe(false);
    expect(verifySecret(new X509Certificate(CERT_A), secret, Buffer.from('junk'))).toBe(false);
  });

  it('lets client and host agree only with the same PIN', () => {
    const salt = randomBytes(16);
    const hostSecret = randomBytes(16);
    const hostChallenge = randomBytes(16);
    const clientChallenge = randomBytes(16);
    const hostSig = randomBytes(256);
    const clientSig = randomBytes(256);
    const clientSecret = randomBytes(16);
    const hostKey = pairingAesKey(salt, '4321');
    const run = (clientPin: string) => {
      const clientKey = pairingAesKey(salt, clientPin);
      const response = hostChallengeResponse({
        key: hostKey,
        clientChallenge: aesEcbDecrypt(hostKey, aesEcbEncrypt(clientKey, clientChallenge)),
        hostCertSignature: hostSig,
        hostSecret,
        hostChallenge,
      });
      const seenChallenge = aesEcbDecrypt(clientKey, response).subarray(32, 48);
      const committed = aesEcbEncrypt(clientKey, clientResponseHash(seenChallenge, clientSig, clientSecret));
      const hostView = aesEcbDecrypt(hostKey, committed);
      return equalBytes(hostView, clientResponseHash(hostChallenge, clientSig, clientSecret));
    };
    expect(run('4321')).toBe(true);
    expect(run('4322')).toBe(false);
  });
});
