// punktfunk_pairing_attempts_total from the real pairings of both protocols:
// punktfunk/1 pairing over a real TLS connection on loopback (its proofs
// are bound to the connection's keying material), GameStream's phase 1
// refused by the operator. One attempt counts once, whatever reports it.
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { pairingProof } from '@punktfunk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameStreamPairing } from '../../src/gamestream/pairing.js';
import { type HostIdentity, loadOrCreateIdentity } from '../../src/identity/host-identity.js';
import type { PendingPairings } from '../../src/pairing/pending-pairings.js';
import { NativePairing } from '../../src/pf1/pairing.js';
import { parseExposition } from './exposition.js';
import { METRICS_TOKEN, type MetricsHost, metricsHost } from './scrape.js';

let host: MetricsHost;
let root: string;
let hostId: HostIdentity;
let clientId: HostIdentity;
beforeAll(async () => {
  host = await metricsHost();
  root = await mkdtemp(join(tmpdir(), 'pf-pairing-metrics-'));
  hostId = await loadOrCreateIdentity(join(root, 'host'), 'host');
  clientId = await loadOrCreateIdentity(join(root, 'client'), 'client');
});
afterAll(async () => {
  await host.cleanup();
  await rm(root, { recursive: true, force: true });
});

/** A real TLS connection on loopback: the host's end and the client's. */
async function tlsPair(): Promise<{ hostEnd: TLSSocket; clientEnd: TLSSocket; close(): void }> {
  const server = createServer({ cert: hostId.certPem, key: hostId.keyPem });
  const hostEnd = new Promise<TLSSocket>((resolve) => server.once('secureConnection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clientEnd = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  await new Promise((resolve) => clientEnd.once('secureConnect', resolve));
  const h = await hostEnd;
  return {
    hostEnd: h,
    clientEnd,
    close: () => {
      clientEnd.destroy();
      h.destroy();
      server.close();
    },
  };
}

const store = { added: [] as string[], add: async (fingerprint: string) => store.added.push(fingerprint) };

/** A punktfunk/1 pairing up to the host's proof; `pin` is what the operator types. */
async function nativeAttempt(pending: PendingPairings, name: string) {
  const tls = await tlsPair();
  const info = {
    kind: 'native' as const,
    clientName: name,
    address: '127.0.0.1',
    fingerprint: randomBytes(32).toString('hex'),
  };
  const pairing = new NativePairing(tls.hostEnd, info, pending, store);
  let requestId = '';
  const began = pairing.begin((m) => {
    if (m.type === 'pair-pending') requestId = m.requestId;
  });
  return { tls, pairing, began, requestId: () => requestId };
}

async function attempts(): Promise<Record<string, number | undefined>> {
  const samples = parseExposition((await host.scrape('http', METRICS_TOKEN)).body);
  const out: Record<string, number | undefined> = {};
  for (const s of samples.filter((x) => x.name === 'punktfunk_pairing_attempts_total')) {
    out[`${s.labels.path}/${s.labels.outcome}`] = s.value;
  }
  return out;
}

describe('pairing attempts', () => {
  it('punktfunk/1: paired, wrong PIN, refused, client gone', async () => {
    const pending = host.pairings;
    const ok = await nativeAttempt(pending, 'ok');
    pending.submitPin(ok.requestId(), '1234');
    await ok.began;
    expect(await ok.pairing.finish(pairingProof(ok.tls.clientEnd, '1234', 'client'))).toBe(true);

    const wrong = await nativeAttempt(pending, 'wrong');
    pending.submitPin(wrong.requestId(), '1234');
    await wrong.began;
    // The client computed its proof with the PIN it shows, not the one typed.
    expect(await wrong.pairing.finish(pairingProof(wrong.tls.clientEnd, '9999', 'client'))).toBe(false);

    const refused = await nativeAttempt(pending, 'refused');
    pending.refuse(refused.requestId());
    await expect(refused.began).rejects.toThrow(/refused/);

    const gone = await nativeAttempt(pending, 'gone');
    gone.pairing.cancel();
    await expect(gone.began).rejects.toThrow(/went away/);

    for (const a of [ok, wrong, refused, gone]) a.tls.close();
    expect(await attempts()).toMatchObject({
      'native/paired': 1,
      'native/wrong-pin': 1,
      'native/refused': 1,
      'native/cancelled': 1,
    });
  });

  it('GameStream: a refused request counts once (refused, not also failed)', async () => {
    const pairing = new GameStreamPairing({
      hostCertPem: hostId.certPem,
      hostCertDer: new X509Certificate(hostId.certPem).raw,
      hostKeyPem: hostId.keyPem,
      pending: host.pairings,
      store: { add: async () => {}, has: () => false },
      log: () => {},
    });
    const request = {
      phase: 'getservercert' as const,
      uniqueId: '0123456789ABCDEF',
      deviceName: 'moonlight',
      salt: randomBytes(16),
      clientCert: new X509Certificate(clientId.certPem),
    };
    const answer = pairing.getServerCert(request, '127.0.0.1', new AbortController().signal);
    const waiting = host.pairings.list().find((r) => r.kind === 'gamestream');
    expect(waiting).toBeDefined();
    host.pairings.refuse(waiting?.requestId as string);
    await expect(answer).rejects.toThrow(/refused/);
    const counted = await attempts();
    expect(counted['gamestream/refused']).toBe(1);
    expect(counted['gamestream/failed']).toBeUndefined();
  });
});
