// The management API's two listeners: plain HTTP (default 127.0.0.1:47990)
// for the operator on the host, and TLS (default 0.0.0.0:47991) with the
// host certificate, which asks for a client certificate without requiring
// one: a paired client's certificate opens the read-only allowlist, anyone
// else needs the bearer token, as on plain HTTP.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { ConnectionGuard, type GuardSettings, tlsHandshakeOptions } from '../net/connection-guard.js';
import type { ApiEnv } from './context.js';

export interface ListenOptions {
  port: number;
  bind: string;
  tlsPort: number;
  tlsBind: string;
  certPem: string;
  keyPem: string;
  /** Timeouts and caps (with the loopback reserve for the operator's console). */
  guard: GuardSettings;
}

export interface ApiServers {
  httpUrl: string;
  httpsUrl: string;
  close(): Promise<void>;
}

export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

function urlOf(scheme: string, server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `failed (${error.code ?? error.message})`;
      reject(new ListenError(`${what} ${host}:${port} ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Event streams never end by themselves.
    server.closeAllConnections();
  });
}

export async function listenApi(app: Hono<ApiEnv>, options: ListenOptions): Promise<ApiServers> {
  const http = createAdaptorServer({ fetch: app.fetch, createServer: createHttpServer }) as Server;
  const https = createAdaptorServer({
    fetch: app.fetch,
    createServer: createHttpsServer,
    serverOptions: {
      cert: options.certPem,
      key: options.keyPem,
      requestCert: true,
      // Not requiring one: the bearer token works here too, and a client
      // certificate is checked against the paired store, not against a CA.
      rejectUnauthorized: false,
      ...tlsHandshakeOptions(options.guard.limits),
    },
  }) as Server;
  new ConnectionGuard({ listener: 'management HTTP', ...options.guard }).watchHttp(http);
  new ConnectionGuard({ listener: 'management TLS', ...options.guard }).watchHttp(https);
  try {
    await listen(http, options.port, options.bind, 'management port (PUNKTFUNK_MGMT_PORT)');
    await listen(https, options.tlsPort, options.tlsBind, 'management TLS port (PUNKTFUNK_MGMT_TLS_PORT)');
  } catch (error) {
    await Promise.all([close(http), close(https)]);
    throw error;
  }
  return {
    httpUrl: urlOf('http', http),
    httpsUrl: urlOf('https', https),
    close: async () => {
      await Promise.all([close(http), close(https)]);
    },
  };
}
