// Pairing requests waiting for the operator's PIN, from either protocol
// (GameStream's /pair getservercert, punktfunk/1's pair message). The
// protocol side asks for a PIN and awaits it; the management API lists the
// waiting requests, pushes changes to the console at once, and hands the
// operator's PIN (or refusal) back. The outcome is announced the same way.
import { randomUUID } from 'node:crypto';
import type { PairingKind, PairingOutcome, PairingUpdate, PendingPairing } from '@punktfunk/shared';

export interface PairingRequestInfo {
  kind: PairingKind;
  clientName: string;
  address: string;
  fingerprint: string;
}

export type PairingsEvent =
  | { type: 'pending'; requests: PendingPairing[] }
  | { type: 'outcome'; outcome: PairingOutcome };

export type PinRefusalReason = 'refused' | 'cancelled' | 'replaced' | 'full';

/** The operator refused the request, or the client went away first. */
export class PinRefused extends Error {
  constructor(
    readonly reason: PinRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'PinRefused';
  }
}

// Each request is a client actively waiting; a handful is plenty, and the
// cap keeps a flood of requests from growing the list the console shows.
export const MAX_PENDING_PAIRINGS = 8;
// Requests need no credentials, so one address may hold only a few places: a
// newer request from it replaces its oldest (a client retrying while its
// first request still shows, or two devices behind one NAT fit).
export const MAX_PENDING_PER_ADDRESS = 2;
// Requests whose PIN was taken, remembered so their outcome can name the client.
const MAX_REMEMBERED = 32;

interface Entry {
  request: PendingPairing;
  resolve(pin: string): void;
  reject(error: PinRefused): void;
}

export class PendingPairings {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: PairingsEvent) => void>();
  private readonly changeListeners = new Set<(request: PairingUpdate) => void>();
  private readonly taken = new Map<string, PendingPairing>();

  constructor(private readonly nowUnixMs: () => number = Date.now) {}

  /**
   * Registers a request; `pin` resolves with the operator's PIN, or rejects
   * with PinRefused when the operator refuses, the signal aborts (the client
   * left) or too many requests wait already.
   */
  requestPin(info: PairingRequestInfo, signal: AbortSignal): { requestId: string; pin: Promise<string> } {
    const requestId = randomUUID();
    this.makeRoomFor(info.address);
    if (this.entries.size >= MAX_PENDING_PAIRINGS) {
      const pin = Promise.reject(new PinRefused('full', 'too many pairing requests are waiting'));
      pin.catch(() => {}); // the caller may not await a refused request
      return { requestId, pin };
    }
    const pin = new Promise<string>((resolve, reject) => {
      const request: PendingPairing = {
        requestId,
        kind: info.kind,
        clientName: info.clientName,
        address: info.address,
        fingerprint: info.fingerprint,
        requestedUnixMs: this.nowUnixMs(),
      };
      this.entries.set(requestId, { request, resolve, reject });
      this.change(request, 'waiting', 'waiting for the PIN');
      const onAbort = () => {
        const entry = this.take(requestId);
        if (!entry) return;
        entry.reject(new PinRefused('cancelled', 'the client went away'));
        this.change(entry.request, 'cancelled', 'the client went away or the wait ended');
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    pin.catch(() => {});
    this.emitPending();
    return { requestId, pin };
  }

  /** Withdraws the oldest requests of this address until a new one fits its share. */
  private makeRoomFor(address: string): void {
    const fromAddress = [...this.entries.values()].filter((entry) => entry.request.address === address);
    for (const entry of fromAddress.slice(0, Math.max(0, fromAddress.length - MAX_PENDING_PER_ADDRESS + 1))) {
      const detail = 'replaced by a newer request from the same address';
      this.take(entry.request.requestId)?.reject(new PinRefused('replaced', detail));
      this.change(entry.request, 'cancelled', detail);
    }
  }

  list(): PendingPairing[] {
    return [...this.entries.values()].map((entry) => entry.request);
  }

  /** Hands the PIN to the waiting request; false when no such request waits. */
  submitPin(requestId: string, pin: string): boolean {
    const entry = this.take(requestId);
    entry?.resolve(pin);
    return entry !== null;
  }

  refuse(requestId: string): boolean {
    const entry = this.take(requestId);
    entry?.reject(new PinRefused('refused', 'the operator refused the pairing request'));
    if (entry) this.settle(requestId, 'failed', 'refused by the operator');
    return entry !== null;
  }

  /** The protocol side reports how the request ended (after the PIN was used, or not). */
  settle(requestId: string, outcome: PairingOutcome['outcome'], detail: string): void {
    this.emit({ type: 'outcome', outcome: { requestId, outcome, detail } });
    const request = this.taken.get(requestId) ?? this.entries.get(requestId)?.request;
    if (request) this.change(request, outcome, detail);
  }

  /** Every new request and every outcome, one request at a time. */
  onChange(listener: (request: PairingUpdate) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private change(request: PendingPairing, state: PairingUpdate['state'], detail: string): void {
    for (const listener of this.changeListeners) listener({ ...request, state, detail });
  }

  onEvent(listener: (event: PairingsEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private take(requestId: string): Entry | null {
    const entry = this.entries.get(requestId) ?? null;
    if (entry) {
      this.entries.delete(requestId);
      this.taken.set(requestId, entry.request);
      const oldest = this.taken.keys().next();
      if (this.taken.size > MAX_REMEMBERED && !oldest.done) this.taken.delete(oldest.value);
      this.emitPending();
    }
    return entry;
  }

  private emitPending(): void {
    this.emit({ type: 'pending', requests: this.list() });
  }

  private emit(event: PairingsEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
