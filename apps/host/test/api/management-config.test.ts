import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadManagementConfig } from '../../src/config/index.js';

describe('management configuration', () => {
  it('defaults: loopback HTTP on 47990, TLS on 47991, ~/.config/punktfunk', () => {
    expect(loadManagementConfig({})).toEqual({
      configDir: join(homedir(), '.config', 'punktfunk'),
      capturesDir: join(homedir(), '.config', 'punktfunk', 'captures'),
      port: 47990,
      bind: '127.0.0.1',
      tlsPort: 47991,
      tlsBind: '0.0.0.0',
      token: null,
      hostName: hostname(),
      allowedHosts: [],
      metrics: { perSession: true, token: null, otlpEndpoint: null, otlpIntervalMs: 15_000 },
    });
  });

  it('reads the environment', () => {
    const config = loadManagementConfig({
      PUNKTFUNK_CONFIG_DIR: '/srv/pf',
      PUNKTFUNK_MGMT_PORT: '8080',
      PUNKTFUNK_MGMT_BIND: '::1',
      PUNKTFUNK_MGMT_TLS_PORT: '0',
      PUNKTFUNK_MGMT_TLS_BIND: '192.168.1.5',
      PUNKTFUNK_MGMT_TOKEN: 'a-long-enough-token',
      PUNKTFUNK_HOST_NAME: 'den',
      PUNKTFUNK_MGMT_HOSTS: ' Den.lan, punktfunk.example ,[fd00::5],',
      PUNKTFUNK_METRICS: '0',
      PUNKTFUNK_METRICS_TOKEN: 'a-scrape-only-token',
      PUNKTFUNK_OTLP_ENDPOINT: 'http://collector:4318/v1/metrics',
      PUNKTFUNK_OTLP_INTERVAL_MS: '5000',
    });
    expect(config).toMatchObject({
      configDir: '/srv/pf',
      capturesDir: '/srv/pf/captures',
      port: 8080,
      bind: '::1',
      tlsPort: 0,
      tlsBind: '192.168.1.5',
      token: 'a-long-enough-token',
      hostName: 'den',
      allowedHosts: ['den.lan', 'punktfunk.example', 'fd00::5'],
      metrics: {
        perSession: false,
        token: 'a-scrape-only-token',
        otlpEndpoint: 'http://collector:4318/v1/metrics',
        otlpIntervalMs: 5000,
      },
    });
  });

  it.each([
    [{ PUNKTFUNK_MGMT_PORT: '70000' }, /PUNKTFUNK_MGMT_PORT must be a port number/],
    [{ PUNKTFUNK_MGMT_PORT: 'http' }, /PUNKTFUNK_MGMT_PORT must be a whole number/],
    [{ PUNKTFUNK_MGMT_BIND: 'localhost' }, /PUNKTFUNK_MGMT_BIND must be an IP address/],
    [{ PUNKTFUNK_MGMT_TOKEN: 'short' }, /PUNKTFUNK_MGMT_TOKEN must be 16\.\.512 printable characters/],
    [{ PUNKTFUNK_MGMT_TOKEN: 'has spaces in the token' }, /PUNKTFUNK_MGMT_TOKEN/],
    [{ PUNKTFUNK_MGMT_HOSTS: 'den.lan:47990' }, /PUNKTFUNK_MGMT_HOSTS must be comma-separated host names/],
    [{ PUNKTFUNK_MGMT_HOSTS: '*.lan' }, /PUNKTFUNK_MGMT_HOSTS/],
    [{ PUNKTFUNK_HOST_NAME: 'den\u202Ensl' }, /PUNKTFUNK_HOST_NAME contains U\+202E/],
    [{ PUNKTFUNK_METRICS: 'yes' }, /PUNKTFUNK_METRICS must be 0 or 1/],
    [{ PUNKTFUNK_METRICS_TOKEN: 'short' }, /PUNKTFUNK_METRICS_TOKEN must be 16\.\.512 printable characters/],
    [{ PUNKTFUNK_OTLP_ENDPOINT: 'collector:4318' }, /PUNKTFUNK_OTLP_ENDPOINT must be an http/],
    [{ PUNKTFUNK_OTLP_ENDPOINT: 'ftp://collector/v1' }, /PUNKTFUNK_OTLP_ENDPOINT must be an http/],
    [{ PUNKTFUNK_OTLP_INTERVAL_MS: '10' }, /PUNKTFUNK_OTLP_INTERVAL_MS must be 1000\.\.3600000/],
  ])('refuses %j with the variable named', (env, message) => {
    expect(() => loadManagementConfig(env)).toThrow(ConfigError);
    expect(() => loadManagementConfig(env)).toThrow(message);
  });
});
