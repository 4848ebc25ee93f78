// A real host for the fuzzers, the liveness check each fuzzer ends with, and
// the socket plumbing they share: lanes of cases run with bounded
// concurrency (the host's per-address limits are not what is tested here),
// each TCP case on its own connection that is cut after a short wait.
import { connect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { GameStreamClient } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import { type RunningHost, startGameStreamHost, startPairedGameStreamHost } from '@punktfunk/test-support';
import { expect } from 'vitest';
import type { Rng } from './mutator.js';

/** Connections open at once per port: well under any per-address limit. */
export const LANES = 12;

export interface FuzzHost {
  host: RunningHost;
  client: GameStreamClient;
  ports: { http: number; https: number; rtsp: number; pf1: number; mgmtTls: number; streamBase: number };
}

/**
 * The fuzzers open connections far faster than any client: the listeners'
 * new-connection rate cap (tested in the hostile-peer suite) would reset most
 * of them before their bytes reached the parsers this run is for.
 */
const FUZZ_HOST_ENV = { PUNKTFUNK_MAX_NEW_CONNECTIONS_PER_S: '100000' };

export async function startFuzzHost(o: { paired: boolean }): Promise<FuzzHost> {
  const { host, client } = o.paired
    ? await startPairedGameStreamHost(undefined, FUZZ_HOST_ENV)
    : await startGameStreamHost(undefined, FUZZ_HOST_ENV).then(async (s) => ({
        host: s.host,
        client: await s.newClient(),
      }));
  const gs = host.gamestream;
  const mgmtTls = /management API on \S+ and https:\/\/[^:]+:(\d+)\//.exec(host.output());
  if (!gs?.rtspPort || !mgmtTls) throw new Error(`host ports not found:\n${host.output()}`);
  return {
    host,
    client,
    ports: {
      http: gs.httpPort,
      https: gs.httpsPort,
      rtsp: gs.rtspPort,
      pf1: host.nativePort,
      mgmtTls: Number(mgmtTls[1]),
      streamBase: gs.streamPortBase,
    },
  };
}

/** The host is alive and answering: GameStream /serverinfo and the management API's health. */
export async function expectHostAnswering(f: FuzzHost): Promise<void> {
  expect(f.host.process.exitCode).toBeNull();
  const serverinfo = await f.client.http('/serverinfo');
  expect(serverinfo.httpStatus).toBe(200);
  expect(leaf(serverinfo, 'state')).toMatch(/^SUNSHINE_SERVER_(FREE|BUSY)$/);
  const health = await f.host.api('/health');
  expect(health.status).toBe(200);
  // What the fuzzing cost in log lines (an amplifier if it grows with the cases).
  console.info(`fuzz: host alive and answering; its log has ${f.host.output().split('\n').length} lines`);
}

/** Runs `cases` cases over LANES lanes; each lane gets its own forked generator. */
export async function runLanes(
  cases: number,
  rng: Rng,
  runCase: (rng: Rng, index: number, lane: number) => Promise<void>,
  lanes = LANES,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const laneRng = rng.fork();
      while (next < cases) await runCase(laneRng, next++, lane);
    }),
  );
}

/** Resolves when the socket closes, or after `waitMs` (then it is destroyed). Never rejects. */
function settle(socket: Socket, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * One TCP case: connect, write `bytes`, read until the host closes or
 * `waitMs` passes. `halfClose` ends the sending side after the bytes, so a
 * truncated input is answered (or dropped) at once instead of waiting for a
 * timeout; without it the host sees a stalled peer.
 */
export function tcpCase(
  port: number,
  bytes: Buffer,
  o: { waitMs: number; halfClose: boolean },
): Promise<void> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('connect', () => (o.halfClose ? socket.end(bytes) : socket.write(bytes)));
  return settle(socket, o.waitMs);
}

/**
 * One TLS connection (no certificate check: the host's is self-signed),
 * optionally presenting a client certificate; then `send` writes the cases.
 */
export function tlsSession(
  port: number,
  cert: { certPem: string; keyPem: string } | null,
  send: (socket: TLSSocket) => void,
  waitMs: number,
): Promise<void> {
  const socket = tlsConnect({
    port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
  });
  socket.on('secureConnect', () => send(socket));
  return settle(socket, waitMs);
}
