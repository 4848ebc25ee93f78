// The management API, the host's identity and where the host keeps its state.
import { isIP } from 'node:net';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { nameProblem } from '@punktfunk/shared';
import { address, bounded, ConfigError, type Env, onOff, port } from './read-env.js';

export interface ManagementConfig {
  /** PUNKTFUNK_CONFIG_DIR, default ~/.config/punktfunk: certificate, token, paired clients, captures. */
  configDir: string;
  capturesDir: string;
  /** Plain HTTP for the operator on this machine. */
  port: number;
  bind: string;
  /** TLS lane for other machines (bearer token, or a paired client's certificate for the read-only routes). */
  tlsPort: number;
  tlsBind: string;
  /** PUNKTFUNK_MGMT_TOKEN; null: read or create <configDir>/mgmt-token. */
  token: string | null;
  hostName: string;
  /**
   * PUNKTFUNK_MGMT_HOSTS: names (or addresses) the plain-HTTP listener answers
   * to besides loopback and the address a request arrived on (DNS rebinding guard).
   */
  allowedHosts: string[];
  /** GET /metrics and the OTLP push (docs/fleet.md). */
  metrics: MetricsConfig;
}

export interface MetricsConfig {
  /** PUNKTFUNK_METRICS (default 1): per-frame measuring and the per-session metrics; 0 keeps only host-wide ones. */
  perSession: boolean;
  /** PUNKTFUNK_METRICS_TOKEN: a read-only scrape token that opens /metrics and nothing else; null: only the operator's. */
  token: string | null;
  /** PUNKTFUNK_OTLP_ENDPOINT: where OTLP/HTTP metrics are pushed (e.g. http://collector:4318/v1/metrics); null: no push. */
  otlpEndpoint: string | null;
  /** PUNKTFUNK_OTLP_INTERVAL_MS: how often they are pushed. */
  otlpIntervalMs: number;
}

/** A bearer token (variable or file): printable, no spaces, long enough not to be guessed. */
export const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

function token(env: Env, key = 'PUNKTFUNK_MGMT_TOKEN'): string | null {
  const value = env[key];
  if (value === undefined || value === '') return null;
  if (!TOKEN_PATTERN.test(value)) {
    throw new ConfigError(`${key} must be 16..512 printable characters without spaces`);
  }
  return value;
}

function otlpEndpoint(env: Env): string | null {
  const raw = env.PUNKTFUNK_OTLP_ENDPOINT;
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUNKTFUNK_OTLP_ENDPOINT must be an http:// or https:// URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUNKTFUNK_OTLP_ENDPOINT must be an http:// or https:// URL, got '${raw}'`);
  }
  return url.href;
}

function metrics(env: Env): MetricsConfig {
  return {
    perSession: onOff(env, 'PUNKTFUNK_METRICS', true),
    token: token(env, 'PUNKTFUNK_METRICS_TOKEN'),
    otlpEndpoint: otlpEndpoint(env),
    // At least a second: a push per frame window would flood the collector.
    otlpIntervalMs: bounded(env, 'PUNKTFUNK_OTLP_INTERVAL_MS', 15_000, 1000, 3_600_000),
  };
}

// A DNS name (letters, digits, '-', '.') or an IP address; no port, no wildcard.
const HOST_NAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

function allowedHosts(env: Env): string[] {
  const raw = env.PUNKTFUNK_MGMT_HOSTS ?? '';
  const names = raw
    .split(',')
    .map((name) =>
      name
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter((name) => name !== '');
  for (const name of names) {
    if (!HOST_NAME_PATTERN.test(name) && isIP(name) === 0) {
      throw new ConfigError(
        `PUNKTFUNK_MGMT_HOSTS must be comma-separated host names or addresses without ports, got '${name}'`,
      );
    }
  }
  return names;
}

function hostName(env: Env): string {
  const name = env.PUNKTFUNK_HOST_NAME || hostname();
  const problem = nameProblem(name);
  if (problem) throw new ConfigError(`PUNKTFUNK_HOST_NAME ${problem}`);
  return name;
}

export function loadManagementConfig(env: Env): ManagementConfig {
  const configDir = resolve(env.PUNKTFUNK_CONFIG_DIR || join(homedir(), '.config', 'punktfunk'));
  return {
    configDir,
    capturesDir: join(configDir, 'captures'),
    port: port(env, 'PUNKTFUNK_MGMT_PORT', 47990),
    bind: address(env, 'PUNKTFUNK_MGMT_BIND', '127.0.0.1'),
    tlsPort: port(env, 'PUNKTFUNK_MGMT_TLS_PORT', 47991),
    tlsBind: address(env, 'PUNKTFUNK_MGMT_TLS_BIND', '0.0.0.0'),
    token: token(env),
    hostName: hostName(env),
    allowedHosts: allowedHosts(env),
    metrics: metrics(env),
  };
}
