// Soak of connect/kill cycles on both paths: a real host (synthetic source),
// then CYCLES times a real client (apps/client for punktfunk/1, gs-client
// for GameStream) is started, streams for STREAM_MS once the host reports
// its session, and is SIGKILLed; once the host reports no session again,
// its RSS, threads and open fds are read from /proc. Prints the curve (every
// EVERY cycles) as Markdown table rows, per path. Then, per path, one
// session of SESSION_S seconds: the host's RSS every SESSION_EVERY_S while
// it streams, and after the client is killed and the session has ended.
//
// A killed GameStream client is noticed by its silence: the host runs with
// PUNKTFUNK_GS_CLIENT_TIMEOUT_MS=2000 so a cycle does not wait 10 s; then
// the app it left running is quit (gs-client --quit), as Moonlight would.
//
//   node apps/host/bench/connect-kill-soak.bench.mjs
//   (CYCLES=100 EVERY=10 STREAM_MS=1000 SESSION_S=60 SESSION_EVERY_S=10 PATHS=native,gamestream)
import { setTimeout as sleep } from 'node:timers/promises';
import {
  newConfigDir,
  processFigures,
  quitGameStreamApp,
  spawnGameStreamClient,
  spawnNativeClient,
  startHost,
  waitForSessions,
} from '@punktfunk/test-support';

const CYCLES = Number(process.env.CYCLES ?? 100);
const EVERY = Number(process.env.EVERY ?? 10);
const STREAM_MS = Number(process.env.STREAM_MS ?? 1000);
const SESSION_S = Number(process.env.SESSION_S ?? 60);
const SESSION_EVERY_S = Number(process.env.SESSION_EVERY_S ?? 10);
const PATHS = (process.env.PATHS ?? 'native,gamestream').split(',');
const GS_CLIENT_TIMEOUT_MS = 2000;
/** A session starts (and ends, after a kill) well within this on a loaded machine. */
const SESSION_WAIT_MS = 30_000;

const spawners = { native: spawnNativeClient, gamestream: spawnGameStreamClient };

function row(label, figures, startedMs) {
  const rssMiB = (figures.rssKiB / 1024).toFixed(1);
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(0);
  return `| ${label} | ${rssMiB} | ${figures.threads} | ${figures.fds} | ${seconds} |`;
}

async function cycle(host, spawner, clientDir) {
  const client = spawner(host, clientDir);
  try {
    await waitForSessions(host, 1, SESSION_WAIT_MS);
    await sleep(STREAM_MS);
  } catch (error) {
    throw new Error(`${error.message}\nclient: ${client.stderr()}\nhost: ${host.output().slice(-3000)}`);
  } finally {
    client.proc.kill('SIGKILL');
    await client.exited;
  }
  await waitForSessions(host, 0, SESSION_WAIT_MS);
  if (spawner === spawnGameStreamClient) await quitGameStreamApp(host, clientDir);
}

function header(title) {
  console.log(`\n${title}\n`);
  console.log('| cycle | host RSS MiB | threads | fds | s |');
  console.log('|---|---|---|---|---|');
}

async function cycles(host, path, clientDir) {
  const pid = host.process.pid;
  const startedMs = Date.now();
  header(`${path}: ${CYCLES} cycles of connect, stream ${STREAM_MS} ms, SIGKILL (host pid ${pid})`);
  console.log(row('before', processFigures(pid), startedMs));
  for (let i = 1; i <= CYCLES; i++) {
    await cycle(host, spawners[path], clientDir);
    if (i % EVERY === 0 || i === 1) console.log(row(String(i), processFigures(pid), startedMs));
  }
}

/** One long session: RSS while it streams, then after it ended. */
async function longSession(host, path, clientDir) {
  const pid = host.process.pid;
  const startedMs = Date.now();
  header(`${path}: one ${SESSION_S} s session, then SIGKILL (rows: seconds streamed)`);
  console.log(row('before', processFigures(pid), startedMs));
  const client = spawners[path](host, clientDir);
  await waitForSessions(host, 1, SESSION_WAIT_MS);
  for (let s = SESSION_EVERY_S; s <= SESSION_S; s += SESSION_EVERY_S) {
    await sleep(SESSION_EVERY_S * 1000);
    console.log(row(`${s} s`, processFigures(pid), startedMs));
  }
  client.proc.kill('SIGKILL');
  await client.exited;
  await waitForSessions(host, 0, SESSION_WAIT_MS);
  console.log(row('ended', processFigures(pid), startedMs));
  if (path === 'gamestream') await quitGameStreamApp(host, clientDir);
}

async function soak(path) {
  const configDir = newConfigDir();
  const host = await startHost(configDir, { PUNKTFUNK_GS_CLIENT_TIMEOUT_MS: String(GS_CLIENT_TIMEOUT_MS) });
  try {
    if (CYCLES > 0) await cycles(host, path, `${configDir}/client`);
    if (SESSION_S > 0) await longSession(host, path, `${configDir}/client`);
  } finally {
    await host.stop();
  }
}

for (const path of PATHS) await soak(path);
