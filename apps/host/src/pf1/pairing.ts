// Host side of punktfunk/1 pairing on one control connection: ask the
// operator for the PIN the client shows, prove knowledge of it first, check
// the client's proof, then remember the client's certificate as paired.

import type { KeyingMaterialExporter } from '@punktfunk/protocol';
import { pairingProof, proofsEqual } from '@punktfunk/protocol';

export interface PairingRequestInfo {
  kind: 'native';
  clientName: string;
  address: string;
  /** SHA-256 of the client's certificate, lowercase hex. */
  fingerprint: string;
}

/** Where pairing requests wait for the operator's PIN (the console's Pairing page). */
export interface PinBroker {
  requestPin(info: PairingRequestInfo, signal: AbortSignal): { requestId: string; pin: Promise<string> };
  /** The outcome, so the operator sees "paired" or "wrong PIN". */
  settle(requestId: string, outcome: 'paired' | 'failed', detail: string): void;
}

export interface PairingStore {
  add(fingerprint: string, name: string): Promise<unknown>;
}

type Send = (
  message: { type: 'pair-pending'; requestId: string } | { type: 'pair-proof'; proof: string },
) => void;

export class NativePairing {
  private readonly abort = new AbortController();
  private pin: string | null = null;
  private requestId: string | null = null;
  private settled = false;

  constructor(
    private readonly socket: KeyingMaterialExporter,
    readonly info: PairingRequestInfo,
    private readonly broker: PinBroker,
    private readonly store: PairingStore,
  ) {}

  /** Waits for the operator's PIN, then sends the host's proof. */
  async begin(send: Send): Promise<void> {
    const { requestId, pin } = this.broker.requestPin(this.info, this.abort.signal);
    this.requestId = requestId;
    send({ type: 'pair-pending', requestId });
    this.pin = await pin;
    send({ type: 'pair-proof', proof: pairingProof(this.socket, this.pin, 'host') });
  }

  /** The client's proof: true (and the client is stored) when it matches. */
  async finish(clientProof: string): Promise<boolean> {
    if (this.pin === null || this.requestId === null)
      throw new Error('pair-proof before the host sent its proof');
    const ok = proofsEqual(clientProof, pairingProof(this.socket, this.pin, 'client'));
    this.settled = true;
    if (!ok) {
      this.broker.settle(this.requestId, 'failed', "the client's proof did not match");
      return false;
    }
    await this.store.add(this.info.fingerprint, this.info.clientName);
    this.broker.settle(this.requestId, 'paired', `${this.info.clientName} paired`);
    return true;
  }

  /** The client found the host's proof wrong: the operator typed another PIN. */
  fail(reason: string): void {
    this.settled = true;
    if (this.requestId) this.broker.settle(this.requestId, 'failed', reason);
  }

  /** The connection closed: a waiting request is withdrawn; one past its PIN is reported as failed. */
  cancel(): void {
    this.abort.abort();
    if (this.pin !== null && this.requestId !== null && !this.settled) {
      this.broker.settle(this.requestId, 'failed', 'the client went away before finishing the pairing');
    }
  }
}
