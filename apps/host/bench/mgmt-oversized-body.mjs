// RSS of a real host (apps/host/dist/main.js, or the path given) before and
// after three 50 MB POSTs to the PIN route with the token, and how much of
// each body the client got to send before the answer. Not part of `pnpm bench`
// (it measures a fault, not a speed): node apps/host/bench/mgmt-oversized-body.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const TOKEN = 'bench-token-0123456789abcdef';
const BODY_BYTES = 50 * 1024 * 1024;
const configDir = mkdtempSync(join(tmpdir(), 'pf-bench-'));
const host = spawn(process.execPath, [process.argv[2] ?? 'apps/host/dist/main.js'], {
  env: {
    ...process.env,
    PUNKTFUNK_CONFIG_DIR: configDir,
    PUNKTFUNK_MGMT_PORT: '0',
    PUNKTFUNK_MGMT_TLS_PORT: '0',
    PUNKTFUNK_NATIVE_PORT: '0',
    PUNKTFUNK_GAMESTREAM: '0',
    PUNKTFUNK_CAPTURE: 'synthetic',
    DISPLAY: '',
    PUNKTFUNK_MGMT_TOKEN: TOKEN,
  },
});
let output = '';
const port = await new Promise((resolve) => {
  host.stdout.on('data', (d) => {
    output += d;
    const match = /management API on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    if (match) resolve(Number(match[1]));
  });
});
await sleep(3000); // let start-up allocations settle
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${host.pid}/status`, 'utf8'))[1]) / 1024;

async function postOversized() {
  const socket = connect(port, '127.0.0.1');
  let answer = null;
  socket.on('data', (d) => (answer ??= d.toString().split('\r\n')[0]));
  socket.on('error', () => {});
  socket.write(
    'POST /api/v1/pairing/gamestream/pin HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
      `authorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${BODY_BYTES}\r\n\r\n`,
  );
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let sentBytes = 0;
  while (answer === null && sentBytes < BODY_BYTES && !socket.destroyed) {
    if (!(await new Promise((resolve) => socket.write(chunk, (error) => resolve(!error))))) break;
    sentBytes += chunk.length;
  }
  await sleep(500);
  socket.destroy();
  return { answer, sentMb: sentBytes / (1 << 20) };
}

const rssBeforeMb = rssMb();
const posts = [];
for (let i = 0; i < 3; i++) posts.push(await postOversized());
await sleep(1000);
console.log(JSON.stringify({ rssBeforeMb: Math.round(rssBeforeMb), rssAfterMb: Math.round(rssMb()), posts }));
host.kill('SIGTERM');
await new Promise((resolve) => host.on('exit', resolve));
rmSync(configDir, { recursive: true, force: true });
