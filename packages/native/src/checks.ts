// Option checks shared by every facade class: each failure is a NativeError
// INVALID_ARGUMENT naming the option, raised before any native call.
import { isIP } from 'node:net';
import { invalidArgument } from './errors.js';

/** `what` names the options being checked, e.g. 'encoder options' or 'MediaSender options'. */
export function fail(what: string, problem: string): never {
  throw invalidArgument(`invalid ${what}: ${problem}`);
}

export function checkInteger(what: string, name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(what, `${name} must be an integer, got ${JSON.stringify(value)}`);
  }
  if (value < min || value > max) fail(what, `${name} must be in ${min}..${max}, got ${value}`);
}

export function checkNumber(what: string, name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    fail(what, `${name} must be a number in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
}

export function checkOneOf<T>(what: string, name: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) {
    fail(what, `${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
}

export function checkBytes(what: string, name: string, value: unknown, lengths: readonly number[]): void {
  if (!(value instanceof Uint8Array)) fail(what, `${name} must be a Uint8Array (Buffer)`);
  if (!lengths.includes(value.length)) {
    fail(what, `${name} must be ${lengths.join(' or ')} bytes, got ${value.length}`);
  }
}

/** A numeric IPv4 or IPv6 address: names would need DNS, which has no place on the hot path. */
export function checkAddress(what: string, name: string, value: unknown): void {
  if (typeof value !== 'string' || isIP(value) === 0) {
    fail(what, `${name} must be a numeric IPv4 or IPv6 address, got ${JSON.stringify(value)}`);
  }
}
