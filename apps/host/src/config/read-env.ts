// Readers for one environment variable each: every one checks its value and
// throws a ConfigError naming the variable, so a bad setting stops the host
// before anything listens.
import { isIP } from 'node:net';

export type Env = NodeJS.ProcessEnv;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function pick<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const value = env[key] ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

export function integer(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key} must be a whole number, got '${raw}'`);
  return Number(raw);
}

/** A whole number in min..max; the message names the range (the punktfunk/1 settings' wording). */
export function wholeInRange(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be a whole number in ${min}..${max}, got '${raw}'`);
  }
  return n;
}

export function port(env: Env, key: string, fallback: number): number {
  const value = integer(env, key, fallback);
  // 0 asks the system for a free port (tests, several hosts on one machine).
  if (value > 65535) throw new ConfigError(`${key} must be a port number 0..65535, got '${value}'`);
  return value;
}

export function address(env: Env, key: string, fallback: string): string {
  const value = env[key] || fallback;
  if (isIP(value) === 0) throw new ConfigError(`${key} must be an IP address, got '${value}'`);
  return value;
}

export function onOff(env: Env, key: string, fallback: boolean): boolean {
  const value = env[key];
  if (value === undefined || value === '') return fallback;
  if (value !== '0' && value !== '1') throw new ConfigError(`${key} must be 0 or 1, got '${value}'`);
  return value === '1';
}

export function bounded(env: Env, key: string, fallback: number, min: number, max: number): number {
  const value = integer(env, key, fallback);
  if (value < min || value > max) throw new ConfigError(`${key} must be ${min}..${max}, got ${value}`);
  return value;
}
