import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { HealthResponse, HostStatusResponse } from '@punktfunk/shared';
import { sessionInfo } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_RESOURCES } from '../../src/api/index.js';
import { type ApiHarness, apiHarness } from './helpers.js';

let h: ApiHarness;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('host routes', () => {
  it('health answers', async () => {
    const res = await h.call('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthResponse;
    expect(body.status).toBe('ok');
    expect(body.uptimeMs).toBeGreaterThanOrEqual(0);
  });

  it('status combines the host identity with what the streaming side reports', async () => {
    h.streaming.sessions = [sessionInfo()];
    const body = (await (await h.call('/status')).json()) as HostStatusResponse;
    expect(body).toMatchObject({
      hostName: 'test-host',
      hostVersion: '0.1.0',
      uniqueId: 'uid',
      encoderBackend: 'software',
      encoderName: 'libx264',
      sessions: [sessionInfo()],
    });
    // What another machine can reach: the machine's own non-loopback addresses, IPv4 first.
    const expected = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((a) => !a.internal && !a.address.startsWith('fe80:'));
    expect(new Set(body.lanAddresses)).toEqual(new Set(expected.map((a) => a.address)));
    expect(body.lanAddresses.every((a) => isIP(a) !== 0 && a !== '127.0.0.1' && a !== '::1')).toBe(true);
    const firstV6 = body.lanAddresses.findIndex((a) => isIP(a) === 6);
    expect(firstV6 === -1 || body.lanAddresses.slice(firstV6).every((a) => isIP(a) === 6)).toBe(true);
  });

  it('serves a placeholder console at / without a token, and a JSON 404 elsewhere', async () => {
    const page = await h.app.request('http://127.0.0.1/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('punktfunk host');
    const missing = await h.app.request('http://127.0.0.1/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no route GET /nothing-here' });
  });
});

describe('OpenAPI document', () => {
  it('describes every route the app serves, with the right security', async () => {
    const res = await h.call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const served = h.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(new Set(documented)).toEqual(new Set(served));
    expect(doc.paths['/health']?.get?.security).toEqual([{ bearer: [] }, { pairedClientCertificate: [] }]);
    expect(doc.paths['/stats/recordings/{id}']?.delete?.security).toEqual([{ bearer: [] }]);
    // Liveness is the one route open to anyone.
    expect(doc.paths['/live']?.get?.security).toEqual([]);
    expect(doc.paths['/stats/recordings/{id}']?.patch?.requestBody).toBeDefined();
    expect(doc.paths['/clients/{fingerprint}']?.patch?.requestBody).toBeDefined();
    expect(API_RESOURCES.length).toBeGreaterThanOrEqual(5);
  });
});
