// The HTTP and HTTPS side of a GameStream client: it speaks to a host
// exactly as moonlight-embedded's libgamestream does (same requests, same
// pairing cryptography), with its own self-signed client certificate.
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  type CertificateAndKey,
  certificateFingerprint,
  createSelfSignedCertificate,
} from '@punktfunk/identity';
import {
  aesEcbDecrypt,
  aesEcbEncrypt,
  certificateSignature,
  clientResponseHash,
  leaf,
  type ParsedXmlReply,
  pairingAesKey,
  parseXmlReply,
  signSecret,
  verifySecret,
} from '@punktfunk/protocol';

export interface GsReply extends ParsedXmlReply {
  httpStatus: number;
  text: string;
  /** SHA-256 of the certificate the server presented (HTTPS only). */
  serverFingerprint: string | null;
}

export type Params = Record<string, string | number>;

export interface PairResult {
  paired: boolean;
  /** The phase whose reply said no (or carried an error status). */
  failedAt: string | null;
  message: string | null;
}

export interface GameStreamApp {
  id: number;
  title: string;
}

export interface GameStreamClientOptions {
  /** The host's address; default 127.0.0.1. */
  host?: string;
  /** Sent with every request; the host keys pairing and launches by it. */
  uniqueId?: string;
  /** The client's name shown to the operator while pairing. */
  deviceName?: string;
  /** An existing client certificate (a paired client keeps its own); default: a fresh one. */
  cert?: CertificateAndKey;
}

export class GameStreamClient {
  readonly fingerprint: string;

  private constructor(
    readonly ports: { http: number; https: number },
    readonly cert: CertificateAndKey,
    readonly uniqueId: string,
    readonly host: string,
    readonly deviceName: string,
  ) {
    this.fingerprint = certificateFingerprint(cert.certPem);
  }

  static async create(
    ports: { http: number; https: number },
    uniqueIdOrOptions: string | GameStreamClientOptions = {},
  ): Promise<GameStreamClient> {
    const o = typeof uniqueIdOrOptions === 'string' ? { uniqueId: uniqueIdOrOptions } : uniqueIdOrOptions;
    const cert = o.cert ?? (await createSelfSignedCertificate('NVIDIA GameStream Client'));
    return new GameStreamClient(
      ports,
      cert,
      o.uniqueId ?? '0123456789ABCDEF',
      o.host ?? '127.0.0.1',
      o.deviceName ?? 'gs-test',
    );
  }

  /** One GET over plain HTTP; `raw` is appended to the query as is. */
  http(path: string, params: Params = {}, raw = ''): Promise<GsReply> {
    return this.send('http', path, params, raw, this.cert);
  }

  /** One GET over HTTPS on a fresh connection, presenting `cert` (this client's by default; null: none). */
  https(
    path: string,
    params: Params = {},
    raw = '',
    cert: CertificateAndKey | null = this.cert,
  ): Promise<GsReply> {
    return this.send('https', path, params, raw, cert);
  }

  query(params: Params, raw = ''): string {
    const all = new URLSearchParams({ uniqueid: this.uniqueId, uuid: randomUUID() });
    for (const [key, value] of Object.entries(params)) all.set(key, String(value));
    return `${all.toString()}${raw ? `&${raw}` : ''}`;
  }

  private send(
    lane: 'http' | 'https',
    path: string,
    params: Params,
    raw: string,
    cert: CertificateAndKey | null,
    signal?: AbortSignal,
  ): Promise<GsReply> {
    const url = `${lane}://${hostForUrl(this.host)}:${lane === 'http' ? this.ports.http : this.ports.https}${path}?${this.query(params, raw)}`;
    const tls =
      lane === 'https'
        ? {
            rejectUnauthorized: false,
            agent: false,
            ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
          }
        : { agent: false };
    const request = lane === 'http' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, { ...tls, signal }, (res) => {
        const peer = lane === 'https' ? (res.socket as TLSSocket).getPeerCertificate() : null;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({
              ...parseXmlReply(text),
              httpStatus: res.statusCode ?? 0,
              text,
              serverFingerprint: peer?.raw ? certificateFingerprint(peer.raw) : null,
            });
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Phase 1 alone: resolves once the operator entered a PIN (or the host refused). */
  getServerCert(salt: Buffer, signal?: AbortSignal): Promise<GsReply> {
    const params = {
      devicename: this.deviceName,
      updateState: 1,
      phrase: 'getservercert',
      salt: salt.toString('hex'),
      clientcert: Buffer.from(this.cert.certPem).toString('hex'),
    };
    return this.send('http', '/pair', params, '', this.cert, signal);
  }

  /**
   * All five phases. `enterPin` runs while phase 1 waits and must make the
   * operator enter `pinTheOperatorTypes` (through the management API).
   */
  async pair(pin: string, enterPin: () => Promise<void>): Promise<PairResult> {
    const salt = randomBytes(16);
    const [phase1] = await Promise.all([this.getServerCert(salt), enterPin()]);
    const fail = (phase: string, reply: GsReply): PairResult => {
      void this.http('/unpair'); // what clients do after any failure
      return { paired: false, failedAt: phase, message: reply.statusMessage };
    };
    if (phase1.statusCode !== 200 || leaf(phase1, 'paired') !== '1') return fail('getservercert', phase1);
    const hostCert = new X509Certificate(
      Buffer.from(leaf(phase1, 'plaincert') ?? '', 'hex').toString('latin1'),
    );
    const key = pairingAesKey(salt, pin);

    const challenge = randomBytes(16);
    const phase2 = await this.http('/pair', {
      clientchallenge: aesEcbEncrypt(key, challenge).toString('hex'),
    });
    if (phase2.statusCode !== 200 || leaf(phase2, 'paired') !== '1') return fail('clientchallenge', phase2);
    const response = aesEcbDecrypt(key, Buffer.from(leaf(phase2, 'challengeresponse') ?? '', 'hex'));
    const hostChallenge = response.subarray(32, 48);

    const clientSecret = randomBytes(16);
    const hash = clientResponseHash(
      hostChallenge,
      certificateSignature(new X509Certificate(this.cert.certPem).raw),
      clientSecret,
    );
    const phase3 = await this.http('/pair', {
      serverchallengeresp: aesEcbEncrypt(key, hash).toString('hex'),
    });
    if (phase3.statusCode !== 200 || leaf(phase3, 'paired') !== '1')
      return fail('serverchallengeresp', phase3);
    const pairingSecret = Buffer.from(leaf(phase3, 'pairingsecret') ?? '', 'hex');
    if (!verifySecret(hostCert, pairingSecret.subarray(0, 16), pairingSecret.subarray(16))) {
      return fail('serverchallengeresp (host signature)', phase3);
    }

    const signature = signSecret(this.cert.keyPem, clientSecret);
    const secretHex = Buffer.concat([clientSecret, signature]).toString('hex');
    const phase4 = await this.http('/pair', { clientpairingsecret: secretHex });
    if (phase4.statusCode !== 200 || leaf(phase4, 'paired') !== '1')
      return fail('clientpairingsecret', phase4);

    const phase5 = await this.https('/pair', { phrase: 'pairchallenge' });
    if (phase5.statusCode !== 200 || leaf(phase5, 'paired') !== '1') return fail('pairchallenge', phase5);
    return { paired: true, failedAt: null, message: null };
  }

  /** The apps the host offers (HTTPS, paired clients only). */
  async appList(): Promise<GameStreamApp[]> {
    const reply = await this.https('/applist');
    if (reply.statusCode !== 200) {
      throw new Error(`applist: ${reply.statusCode} ${reply.statusMessage ?? ''}`.trim());
    }
    return (reply.groups.get('App') ?? []).map((app) => ({
      id: Number(app.get('ID')),
      title: app.get('AppTitle') ?? '',
    }));
  }

  launch(params: Params = {}): Promise<GsReply> {
    return this.https('/launch', {
      appid: 1,
      mode: '1280x720x60',
      additionalStates: 1,
      sops: 0,
      rikey: randomBytes(16).toString('hex'),
      rikeyid: randomBytes(4).readInt32BE(0),
      localAudioPlayMode: 0,
      surroundAudioInfo: 196610,
      ...params,
    });
  }
}

/** An IPv6 literal goes in brackets in a URL. */
function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
