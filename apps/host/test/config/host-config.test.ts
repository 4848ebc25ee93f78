// loadHostConfig: one read of the environment with every slice, and a bad
// value in any slice stops it with a ConfigError naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadHostConfig } from '../../src/config/index.js';

describe('loadHostConfig', () => {
  it('returns every slice with its defaults', () => {
    const config = loadHostConfig({ PUNKTFUNK_CONFIG_DIR: '/tmp/pf-config' });
    expect(config.engine).toMatchObject({ codec: 'h264', width: 1280, height: 720, fps: 60 });
    expect(config.management).toMatchObject({ configDir: '/tmp/pf-config', port: 47990, tlsPort: 47991 });
    expect(config.desktop).toEqual({
      capture: 'auto',
      display: null,
      displayMode: 'desktop',
      virtualBackend: 'auto',
      xvfbPath: 'Xvfb',
    });
    expect(config.pf1).toEqual({
      port: 47800,
      bind: '0.0.0.0',
      loopbackWithoutPairing: true,
      fecPercent: 20,
      shardBytes: 1200,
      windowMs: 2000,
      clientTimeoutMs: 10_000,
      traceDir: null,
    });
    expect(config.gamestream).toMatchObject({ enabled: true, httpPort: 47989, streamPortBase: 47998 });
  });

  it('reads each slice from the environment', () => {
    const config = loadHostConfig({
      PUNKTFUNK_FPS: '30',
      PUNKTFUNK_NATIVE_PORT: '0',
      PUNKTFUNK_SHARD_BYTES: '1000',
      PUNKTFUNK_GS_ENCRYPTION: 'required',
      PUNKTFUNK_CAPTURE: 'synthetic',
    });
    expect(config.engine.fps).toBe(30);
    expect(config.pf1).toMatchObject({ port: 0, shardBytes: 1000 });
    expect(config.gamestream.encryption).toBe('required');
    expect(config.desktop.capture).toBe('synthetic');
  });

  it('refuses a bad value in any slice, naming the variable', () => {
    expect(() => loadHostConfig({ PUNKTFUNK_FPS: 'abc' })).toThrow(ConfigError);
    expect(() => loadHostConfig({ PUNKTFUNK_FPS: 'abc' })).toThrow(/PUNKTFUNK_FPS must be a whole number/);
    expect(() => loadHostConfig({ PUNKTFUNK_SHARD_BYTES: '99' })).toThrow(ConfigError);
    expect(() => loadHostConfig({ PUNKTFUNK_SHARD_BYTES: '99' })).toThrow(
      "PUNKTFUNK_SHARD_BYTES must be a whole number in 256..1400, got '99'",
    );
    expect(() => loadHostConfig({ PUNKTFUNK_GS_FEC_PERCENT: '300' })).toThrow(
      /PUNKTFUNK_GS_FEC_PERCENT must be 0..255/,
    );
    expect(() => loadHostConfig({ PUNKTFUNK_MGMT_BIND: 'localhost' })).toThrow(/must be an IP address/);
    expect(() => loadHostConfig({ PUNKTFUNK_CAPTURE: 'x11' })).toThrow(/needs an X display/);
  });

  it("reads the listeners' limits, with the loopback reserve on the management listeners only", () => {
    const defaults = loadHostConfig({}).listeners;
    expect(defaults.publicLimits).toEqual({
      handshakeTimeoutMs: 5000,
      firstRequestTimeoutMs: 10_000,
      maxPerAddress: 32,
      maxUnauthenticated: 256,
      maxNewPerSecond: 64,
      loopbackReserve: 0,
    });
    expect(defaults.managementLimits).toEqual({ ...defaults.publicLimits, loopbackReserve: 64 });
    expect(defaults.peerLogIntervalMs).toBe(10_000);
    const set = loadHostConfig({
      PUNKTFUNK_FIRST_REQUEST_TIMEOUT_MS: '3000',
      PUNKTFUNK_MAX_CONNECTIONS_PER_ADDRESS: '4',
      PUNKTFUNK_MGMT_LOOPBACK_RESERVE: '0',
    }).listeners;
    expect(set.publicLimits).toMatchObject({ firstRequestTimeoutMs: 3000, maxPerAddress: 4 });
    expect(set.managementLimits.loopbackReserve).toBe(0);
    expect(() => loadHostConfig({ PUNKTFUNK_TLS_HANDSHAKE_TIMEOUT_MS: '0' })).toThrow(
      /PUNKTFUNK_TLS_HANDSHAKE_TIMEOUT_MS must be 500..120000/,
    );
    expect(() => loadHostConfig({ PUNKTFUNK_MAX_UNAUTHENTICATED: 'many' })).toThrow(ConfigError);
  });
});
