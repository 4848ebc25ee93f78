import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeStreamPortBase } from '@punktfunk/test-support';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEngineConfig } from '../src/config/index.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('host configuration', () => {
  it('has working defaults', () => {
    expect(loadEngineConfig({})).toEqual({
      codec: 'h264',
      encoderBackend: 'auto',
      width: 1280,
      height: 720,
      fps: 60,
      bitrateKbps: 10000,
      perf: false,
    });
  });

  it('reads the environment', () => {
    const config = loadEngineConfig({ PUNKTFUNK_CODEC: 'hevc', PUNKTFUNK_FPS: '30', PUNKTFUNK_PERF: '1' });
    expect(config).toMatchObject({ codec: 'hevc', fps: 30, perf: true });
  });

  it('refuses nonsense with the variable named', () => {
    expect(() => loadEngineConfig({ PUNKTFUNK_ENCODER: 'gpu' })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ PUNKTFUNK_ENCODER: 'gpu' })).toThrow(
      /PUNKTFUNK_ENCODER must be one of auto, nvenc, software/,
    );
    expect(() => loadEngineConfig({ PUNKTFUNK_WIDTH: '12e2' })).toThrow(
      /PUNKTFUNK_WIDTH must be a whole number/,
    );
  });
});

async function runHost(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const streamPortBase = await freeStreamPortBase();
  return new Promise((resolve) => {
    // A private config dir and free ports: the test must not touch the user's host.
    const isolated = {
      PUNKTFUNK_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'punktfunk-host-test-')),
      PUNKTFUNK_MGMT_PORT: '0',
      PUNKTFUNK_MGMT_TLS_PORT: '0',
      PUNKTFUNK_NATIVE_PORT: '0',
      PUNKTFUNK_GS_HTTP_PORT: '0',
      PUNKTFUNK_GS_HTTPS_PORT: '0',
      PUNKTFUNK_GS_RTSP_PORT: '0',
      PUNKTFUNK_GS_STREAM_PORT: String(streamPortBase),
      PUNKTFUNK_MDNS: '0',
    };
    const child = spawn(process.execPath, [mainJs], { env: { ...process.env, ...isolated, ...env } });
    let output = '';
    let stopSent = false;
    const onData = (d: Buffer) => {
      output += d;
      if (!stopSent && output.includes('engine ready')) stopSent = child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('host process', () => {
  it('starts, reports the encoder it will use, and stops on SIGTERM', async () => {
    const { code, output } = await runHost({ PUNKTFUNK_ENCODER: 'software' });
    expect(output).toMatch(/encoder: libx264 \(h264, software, requested software\)/);
    expect(output).toMatch(/engine ready, 1280x720@60 h264 via libx264; first frame \d+ bytes/);
    expect(output).toMatch(/SIGTERM, stopping/);
    expect(code).toBe(0);
  });

  it('exits non-zero with a clear message on bad configuration', async () => {
    const { code, output } = await runHost({ PUNKTFUNK_WIDTH: '1281' });
    expect(code).toBe(1);
    expect(output).toMatch(
      /start-up failed: invalid encoder options: width and height must be even, got 1281x720/,
    );
  });
});
