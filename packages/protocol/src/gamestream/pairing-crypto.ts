// The cryptography of GameStream PIN pairing (moonlight-embedded
// libgamestream/client.c gs_pair), for both ends: the host uses it in its
// pairing state machine, this project's test client to play the client.
//
//   key      = SHA-256(salt || PIN as ASCII)[0..16], AES-128-ECB without padding
//   phase 2  host answers ECB(key, SHA-256(clientChallenge || hostCertSignature || hostSecret) || hostChallenge)
//   phase 3  client sends ECB(key, SHA-256(hostChallenge || clientCertSignature || clientSecret))
//            host answers hostSecret || RSA-SHA256(hostSecret)
//   phase 4  client sends clientSecret || RSA-SHA256(clientSecret); the host
//            recomputes the phase-3 hash and checks the signature.
// A wrong PIN yields a different key, so the phase-3 hash cannot match.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSign,
  createVerify,
  timingSafeEqual,
  type X509Certificate,
} from 'node:crypto';

export const PAIRING_SALT_BYTES = 16;
export const PAIRING_CHALLENGE_BYTES = 16;
export const PAIRING_SECRET_BYTES = 16;
export const SHA256_BYTES = 32;
const AES_BLOCK_BYTES = 16;

export function pairingAesKey(salt: Buffer, pin: string): Buffer {
  return createHash('sha256').update(salt).update(pin, 'ascii').digest().subarray(0, 16);
}

function ecb(key: Buffer, data: Buffer, encrypt: boolean): Buffer {
  if (data.length % AES_BLOCK_BYTES !== 0) {
    throw new Error(`AES-ECB data must be whole 16-byte blocks, got ${data.length} bytes`);
  }
  const cipher = encrypt
    ? createCipheriv('aes-128-ecb', key, null)
    : createDecipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

export const aesEcbEncrypt = (key: Buffer, data: Buffer) => ecb(key, data, true);
export const aesEcbDecrypt = (key: Buffer, data: Buffer) => ecb(key, data, false);

export function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** One DER element: where its content starts and ends. */
function derElement(der: Buffer, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new Error('truncated DER');
  return { tag, start, end };
}

const DER_SEQUENCE = 0x30;
const DER_BIT_STRING = 0x03;

/**
 * The signature bytes of an X.509 certificate (its signatureValue BIT
 * STRING without the unused-bits byte): both sides hash the other's
 * certificate signature into the challenges, binding them to the certificates.
 */
export function certificateSignature(certDer: Buffer): Buffer {
  const outer = derElement(certDer, 0);
  if (outer.tag !== DER_SEQUENCE) throw new Error('a certificate is a DER SEQUENCE');
  const tbs = derElement(certDer, outer.start);
  const algorithm = derElement(certDer, tbs.end);
  const signature = derElement(certDer, algorithm.end);
  if (signature.tag !== DER_BIT_STRING || signature.end !== outer.end) {
    throw new Error('no signature BIT STRING at the end of the certificate');
  }
  return certDer.subarray(signature.start + 1, signature.end);
}

/** RSA-SHA256, PKCS#1 v1.5 (what OpenSSL's EVP_DigestSign gives for an RSA key). */
export function signSecret(keyPem: string, secret: Buffer): Buffer {
  return createSign('sha256').update(secret).sign(keyPem);
}

export function verifySecret(cert: X509Certificate, secret: Buffer, signature: Buffer): boolean {
  try {
    return createVerify('sha256').update(secret).verify(cert.publicKey, signature);
  } catch {
    return false; // a malformed signature is a failed check, not a crash
  }
}

export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host, phase 2: the encrypted challenge response (48 bytes). */
export function hostChallengeResponse(o: {
  key: Buffer;
  clientChallenge: Buffer;
  hostCertSignature: Buffer;
  hostSecret: Buffer;
  hostChallenge: Buffer;
}): Buffer {
  const hash = sha256(o.clientChallenge, o.hostCertSignature, o.hostSecret);
  return aesEcbEncrypt(o.key, Buffer.concat([hash, o.hostChallenge]));
}

/** Both ends, phase 3/4: the hash the client commits to and the host checks. */
export function clientResponseHash(hostChallenge: Buffer, clientCertSignature: Buffer, clientSecret: Buffer) {
  return sha256(hostChallenge, clientCertSignature, clientSecret);
}
