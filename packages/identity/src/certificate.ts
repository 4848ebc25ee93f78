// Self-signed RSA-2048 / SHA-256 certificates. node:crypto makes the key but
// has no X.509 builder, so pkijs (with asn1js) assembles and signs the
// certificate through WebCrypto.
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

const RSA_SHA256 = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};
const COMMON_NAME_OID = '2.5.4.3';
// GameStream clients keep the host certificate they paired with; a short
// validity would silently un-pair them, so it is valid for 20 years.
const VALID_DAYS = 20 * 365;
const DAY_MS = 86_400_000;

function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const base64 = Buffer.from(der as ArrayBuffer).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export async function createSelfSignedCertificate(commonName: string): Promise<CertificateAndKey> {
  const subtle = webcrypto.subtle;
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
  const keys = (await subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2; // X.509 v3
  const serial = randomBytes(16);
  // Positive (top bit clear) and minimally encoded (first byte non-zero): a
  // leading 0x00 before a byte < 0x80 is invalid DER, which OpenSSL rejects
  // as "illegal padding" (1 start in 256 before this).
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  const name = () =>
    new pkijs.AttributeTypeAndValue({
      type: COMMON_NAME_OID,
      value: new asn1js.Utf8String({ value: commonName }),
    });
  cert.subject.typesAndValues.push(name());
  cert.issuer.typesAndValues.push(name());
  // Back-dated a day so a client whose clock is slightly behind accepts it.
  cert.notBefore.value = new Date(Date.now() - DAY_MS);
  cert.notAfter.value = new Date(Date.now() + VALID_DAYS * DAY_MS);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await cert.sign(keys.privateKey, 'SHA-256', engine);
  const certDer = cert.toSchema(true).toBER(false);
  const keyDer = await subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: toPem('CERTIFICATE', certDer), keyPem: toPem('PRIVATE KEY', keyDer) };
}

/** SHA-256 of the certificate's DER bytes as lowercase hex: the form the paired-clients store keys on. */
export function certificateFingerprint(certPemOrDer: string | Buffer): string {
  const der = typeof certPemOrDer === 'string' ? new X509Certificate(certPemOrDer).raw : certPemOrDer;
  return createHash('sha256').update(der).digest('hex');
}

// Eight bytes tell a handful of paired clients apart at a glance (a collision
// needs 2^32 certificates); the full fingerprint stays the key.
const SHORT_FINGERPRINT_BYTES = 8;

/** The first 8 bytes of a lowercase-hex fingerprint, colon-separated: `a1:b2:c3:d4:e5:f6:07:18`. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, SHORT_FINGERPRINT_BYTES * 2).match(/../g) ?? []).join(':');
}

/**
 * Accepts `AB:CD:…` (as openssl and Node print it) or plain hex, any case;
 * returns lowercase hex, or null when it is not a SHA-256 fingerprint.
 */
export function normalizeFingerprint(input: string): string | null {
  const hex = input.replaceAll(':', '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
