// Soak of failed TLS handshakes (issue 17, fault 3): N TLS clients that
// refuse the host's self-signed certificate (the handshake fails on the
// client's side after the host has done all its work) against the
// punktfunk/1 control port and the management TLS port of a real host
// process, sampling the host's VmRSS, open file descriptors and threads
// from /proc every BENCH_SAMPLE_EVERY handshakes.
//   node apps/host/bench/failed-handshakes.bench.mjs
//   BENCH_HANDSHAKES=20000 BENCH_CONCURRENCY=32 BENCH_HOST_ENV='MALLOC_ARENA_MAX=1'
//   BENCH_SETTLE_MS=25000: one more sample that much later
//   BENCH_TRIM=1: at the end, malloc_trim(0) in the host through gdb, and one more sample
//   BENCH_KIND=reject-cert (default) | tls12 | abort-after-hello | garbage | stall (BENCH_HOLD_MS)

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';

// BENCH_TEST_SUPPORT=/other/checkout/packages/test-support/dist/index.js runs another checkout's host (before/after).
const { newConfigDir, startHost } = await import(process.env.BENCH_TEST_SUPPORT ?? '@punktfunk/test-support');

const HANDSHAKES = Number(process.env.BENCH_HANDSHAKES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SAMPLE_EVERY = Number(process.env.BENCH_SAMPLE_EVERY ?? 2_000);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 2000);
const HOST_ENV = Object.fromEntries(
  (process.env.BENCH_HOST_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => pair.split('=', 2)),
);

function sampleProcess(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssMb: Math.round(field('VmRSS') / 102.4) / 10,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: field('Threads'),
  };
}

const KIND = process.env.BENCH_KIND ?? 'reject-cert';
// BENCH_CLIENT_CERT=cert.pem:key.pem: the clients present this certificate.
const [certPath, keyPath] = (process.env.BENCH_CLIENT_CERT ?? '').split(':');
const CLIENT_CERT = certPath ? { cert: readFileSync(certPath), key: readFileSync(keyPath) } : {};

/** One failed handshake of the chosen kind. */
function failedHandshake(port) {
  return new Promise((resolve) => {
    if (KIND === 'reject-cert' || KIND === 'tls12') {
      // Refuses the host's self-signed certificate, or offers only TLS 1.2 (pf1 wants 1.3).
      const options = KIND === 'tls12' ? { maxVersion: 'TLSv1.2', rejectUnauthorized: false } : {};
      const socket = connect({
        host: '127.0.0.1',
        port,
        rejectUnauthorized: true,
        ...CLIENT_CERT,
        ...options,
      });
      socket.on('secureConnect', () => socket.destroy());
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      return;
    }
    if (KIND === 'abort-after-hello') {
      // A full ClientHello; cut off as soon as the host's first flight arrives.
      // ('keylog': the client has read the ServerHello and derived its keys.)
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...CLIENT_CERT });
      socket.once('keylog', () => socket.destroy());
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      return;
    }
    if (KIND === 'stall') {
      // A ClientHello record announced but cut short: the host waits for the rest; the client leaves after HOLD_MS.
      const socket = netConnect(port, '127.0.0.1', () => {
        socket.write(
          Buffer.concat([
            Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]),
            randomBytes(64),
          ]),
        );
        setTimeout(() => socket.destroy(), HOLD_MS);
      });
      socket.resume();
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      return;
    }
    const socket = netConnect(port, '127.0.0.1', () => {
      socket.write(randomBytes(512));
      socket.end();
    });
    socket.resume();
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

async function soak(ports, pid) {
  const rows = [{ handshakes: 0, ...sampleProcess(pid) }];
  let started = 0;
  let done = 0;
  const worker = async () => {
    while (started < HANDSHAKES) {
      const port = ports[started++ % ports.length];
      await failedHandshake(port);
      done++;
      if (done % SAMPLE_EVERY === 0) rows.push({ handshakes: done, ...sampleProcess(pid) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // After the flood: what the host holds once the peers are gone.
  await new Promise((r) => setTimeout(r, 2000));
  rows.push({ handshakes: `${done} +2 s`, ...sampleProcess(pid) });
  // The host gives freed memory back after its next peer-failure summaries (2 intervals, 20 s by default).
  const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 0);
  if (settleMs > 0) {
    await new Promise((r) => setTimeout(r, settleMs));
    rows.push({ handshakes: `${done} +${(settleMs / 1000 + 2).toFixed(0)} s`, ...sampleProcess(pid) });
  }
  if (process.env.BENCH_TRIM === '1') {
    // Is what stays freed memory glibc keeps, or memory still in use? malloc_trim(0) through gdb tells.
    execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'call (int)malloc_trim(0)'], {
      stdio: 'ignore',
    });
    rows.push({ handshakes: `${done}, after malloc_trim(0)`, ...sampleProcess(pid) });
  }
  return rows;
}

const host = await startHost(newConfigDir(), { PUNKTFUNK_GAMESTREAM: '0', ...HOST_ENV });
try {
  const mgmtTlsPort = Number(/management API on [^\n]* and https:\/\/[^:]+:(\d+)/.exec(host.output())?.[1]);
  const ports = [host.nativePort, mgmtTlsPort];
  console.log(
    `failed TLS handshakes against ports ${ports.join(', ')} (${CONCURRENCY} at a time), host env: ${JSON.stringify(HOST_ENV)}`,
  );
  const rows = await soak(ports, host.process.pid);
  console.log('| handshakes | VmRSS MB | fds | threads |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.handshakes} | ${r.rssMb} | ${r.fds} | ${r.threads} |`);
  console.log(`host log lines during the run: ${host.output().split('\n').length}`);
} finally {
  await host.stop();
}
