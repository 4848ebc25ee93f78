// The TLS lane for real: https requests with a paired client's certificate,
// a stranger's certificate, and none, against the listening servers.
import { createHash, X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServers } from '../../src/api/index.js';
import {
  type CertificateAndKey,
  certificateFingerprint,
  createSelfSignedCertificate,
} from '../../src/identity/certificate.js';
import type { HostIdentity } from '../../src/identity/host-identity.js';
import type { PairedClients } from '../../src/identity/paired-clients.js';
import { type ListeningApi, listeningApi, TOKEN } from './helpers.js';

let h: ListeningApi;
let identity: HostIdentity;
let servers: ApiServers;
let paired: PairedClients;
let pairedClient: CertificateAndKey;
let stranger: CertificateAndKey;

beforeAll(async () => {
  h = await listeningApi();
  ({ identity, servers, paired } = h);
  [pairedClient, stranger] = await Promise.all([
    createSelfSignedCertificate('paired client'),
    createSelfSignedCertificate('stranger'),
  ]);
  await paired.add(certificateFingerprint(pairedClient.certPem), 'test client');
});
afterAll(async () => {
  await h.cleanup();
});

interface Reply {
  status: number;
  body: string;
  serverFingerprint: string | null;
}

function call(
  lane: 'https' | 'http',
  method: string,
  path: string,
  options: { client?: CertificateAndKey; token?: string } = {},
): Promise<Reply> {
  const url = new URL(`/api/v1${path}`, lane === 'https' ? servers.httpsUrl : servers.httpUrl);
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const socket = res.socket as TLSSocket;
        const raw = lane === 'https' ? socket.getPeerCertificate?.().raw : undefined;
        resolve({
          status: res.statusCode ?? 0,
          body,
          serverFingerprint: raw ? createHash('sha256').update(raw).digest('hex') : null,
        });
      });
    };
    const req =
      lane === 'https'
        ? httpsRequest(
            url,
            {
              method,
              headers,
              // Trust exactly the host's own certificate; its name is not an address.
              ca: identity.certPem,
              checkServerIdentity: () => undefined,
              cert: options.client?.certPem,
              key: options.client?.keyPem,
              agent: false,
            },
            done,
          )
        : httpRequest(url, { method, headers, agent: false }, done);
    req.on('error', reject);
    req.end();
  });
}

describe('TLS lane', () => {
  it("serves the host's own certificate", async () => {
    const reply = await call('https', 'GET', '/health', { token: TOKEN });
    expect(reply.status).toBe(200);
    expect(reply.serverFingerprint).toBe(identity.certFingerprintSha256);
    expect(new X509Certificate(identity.certPem).subject).toBe('CN=punktfunk host');
  });

  it('a paired client certificate opens health and status', async () => {
    for (const path of ['/health', '/status']) {
      const reply = await call('https', 'GET', path, { client: pairedClient });
      expect(reply.status, path).toBe(200);
    }
  });

  it.each([
    ['POST', '/stats/capture/start'],
    ['POST', '/stats/capture/stop'],
    ['GET', '/stats/capture/status'],
    ['GET', '/stats/capture/live'],
    ['GET', '/stats/capture/events'],
    ['POST', '/stats/capture/events/ticket'],
    ['GET', '/stats/recordings'],
    ['GET', '/stats/recordings/x'],
    ['DELETE', '/stats/recordings/x'],
    ['PATCH', '/stats/recordings/x'],
    ['GET', '/stats/recordings/x/export.csv'],
    ['GET', '/openapi.json'],
    // A client may not see the others, nor rename itself or anyone else.
    ['GET', '/clients'],
    ['PATCH', `/clients/${'ab'.repeat(32)}`],
  ])('a paired client certificate on %s %s is 403', async (method, path) => {
    const reply = await call('https', method, path, { client: pairedClient });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({
      error: 'a paired client certificate opens only health and status; this needs the token',
    });
    expect(h.recorder.isArmed()).toBe(false);
  });

  it('a certificate that is not paired opens nothing', async () => {
    for (const [method, path] of [
      ['GET', '/health'],
      ['GET', '/status'],
      ['GET', '/stats/capture/status'],
      ['POST', '/stats/capture/start'],
    ] as const) {
      const reply = await call('https', method, path, { client: stranger });
      expect(reply.status, `${method} ${path}`).toBe(401);
    }
    expect(h.recorder.isArmed()).toBe(false);
  });

  it('no credentials is 401; a wrong token is 401 even with a paired certificate', async () => {
    expect((await call('https', 'GET', '/health')).status).toBe(401);
    expect((await call('https', 'GET', '/stats/recordings')).status).toBe(401);
    const wrong = await call('https', 'GET', '/health', { client: pairedClient, token: `${TOKEN}0` });
    expect(wrong.status).toBe(401);
  });

  it('the bearer token opens stats routes on both lanes', async () => {
    expect((await call('https', 'GET', '/stats/capture/status', { token: TOKEN })).status).toBe(200);
    expect((await call('https', 'GET', '/stats/recordings', { client: stranger, token: TOKEN })).status).toBe(
      200,
    );
    expect((await call('http', 'GET', '/stats/capture/status', { token: TOKEN })).status).toBe(200);
    expect((await call('http', 'GET', '/stats/capture/status')).status).toBe(401);
  });

  it('a client removed from the store loses access at once', async () => {
    const fingerprint = certificateFingerprint(pairedClient.certPem);
    await paired.remove(fingerprint);
    try {
      expect((await call('https', 'GET', '/health', { client: pairedClient })).status).toBe(401);
    } finally {
      await paired.add(fingerprint, 'test client');
    }
  });
});
