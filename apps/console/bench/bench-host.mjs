// What the console benchmarks share: the real host on free ports with a
// captures directory prepared by the bench, and Debian's chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const TOKEN = 'bench-token-0123456789abcdef';
const hostMain = fileURLToPath(new URL('../../host/dist/main.js', import.meta.url));

export function startBenchHost(configDir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [hostMain], {
      env: {
        ...process.env,
        PUNKTFUNK_CONFIG_DIR: configDir,
        PUNKTFUNK_MGMT_PORT: '0',
        PUNKTFUNK_MGMT_TLS_PORT: '0',
        PUNKTFUNK_NATIVE_PORT: '0',
        PUNKTFUNK_MGMT_TOKEN: TOKEN,
        // The charts need no streaming: GameStream off keeps its fixed UDP ports free.
        PUNKTFUNK_GAMESTREAM: '0',
        PUNKTFUNK_MDNS: '0',
      },
    });
    let out = '';
    const onData = (d) => {
      out += d;
      const m = /management API on (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(out);
      if (m) resolve({ origin: m[1], token: TOKEN, stop: () => proc.kill('SIGTERM') });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', () => reject(new Error(`host exited:\n${out}`)));
  });
}

export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'punktfunk-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PUNKTFUNK_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
