// Host side of GameStream PIN pairing, as explicit state objects that move
// through the phases of libgamestream's gs_pair. Phase 1 waits for the
// operator's PIN (PendingPairings). Anyone on the network can send phase 1,
// so waiting is not a slot one client can hold: several requests may wait
// side by side (bounded overall and per address, in PendingPairings) and the
// operator picks the one whose PIN they were shown. Phases 2-4 follow within
// seconds of the PIN, one pairing at a time. The client's certificate is
// stored only after phase 4 proved that both ends used the same PIN and that
// the client holds the certificate's key. Any failure ends that pairing, so
// the client can simply try again.
import { randomBytes, type X509Certificate } from 'node:crypto';
import {
  aesEcbDecrypt,
  certificateSignature,
  clientResponseHash,
  equalBytes,
  GameStreamRequestError,
  hostChallengeResponse,
  PAIRING_CHALLENGE_BYTES,
  PAIRING_SECRET_BYTES,
  type PairRequest,
  pairedXml,
  pairingAesKey,
  signSecret,
  verifySecret,
} from '@punktfunk/protocol';
import { certificateFingerprint } from '../identity/certificate.js';
import { clientLabel } from '../identity/paired-clients.js';
import { type PendingPairings, PinRefused } from '../pairing/pending-pairings.js';

// Moonlight waits without a timeout while the user walks to the host; two
// minutes is enough to type a PIN shown a few steps away, and ends requests
// nobody answers (they no longer block others, but they clutter the list).
export const PIN_WAIT_MS = 2 * 60_000;
// Clients send phases 2-4 back to back; a longer gap means the client is gone.
const STEP_TIMEOUT_MS = 30_000;

type Phase = 'awaiting-pin' | 'awaiting-client-challenge' | 'awaiting-client-hash' | 'awaiting-client-secret';

interface PairingState {
  phase: Phase;
  uniqueId: string;
  /** Phases 2-4 must come from where phase 1 came from. */
  address: string;
  deviceName: string;
  clientCert: X509Certificate;
  clientFingerprint: string;
  salt: Buffer;
  requestId: string | null;
  /** AES key from salt and PIN; set once the PIN is in. */
  key: Buffer | null;
  hostSecret: Buffer;
  hostChallenge: Buffer;
  /** What the client committed to in phase 3. */
  clientHash: Buffer | null;
  abort: AbortController;
  stepTimer: NodeJS.Timeout | null;
}

export interface GameStreamPairingDeps {
  hostCertPem: string;
  hostCertDer: Buffer;
  hostKeyPem: string;
  pending: PendingPairings;
  store: { add(fingerprint: string, name: string): Promise<unknown>; has(fingerprint: string): boolean };
  log(line: string): void;
}

type Phase1 = Extract<PairRequest, { phase: 'getservercert' }>;
type Phase2 = Extract<PairRequest, { phase: 'clientchallenge' }>;
type Phase3 = Extract<PairRequest, { phase: 'serverchallengeresp' }>;
type Phase4 = Extract<PairRequest, { phase: 'clientpairingsecret' }>;

export class GameStreamPairing {
  /** Phase-1 requests waiting for the operator's PIN. */
  private readonly waiting = new Set<PairingState>();
  /** The one pairing past its PIN (phases 2-4). */
  private current: PairingState | null = null;
  private readonly hostCertSignature: Buffer;

  constructor(private readonly deps: GameStreamPairingDeps) {
    this.hostCertSignature = certificateSignature(deps.hostCertDer);
  }

  /** Phase 1: registers the request, waits for the PIN, answers with the host certificate. */
  async getServerCert(request: Phase1, address: string, clientGone: AbortSignal): Promise<string> {
    const fingerprint = certificateFingerprint(request.clientCert.raw);
    // Pairing it again could only confuse the operator: the list would show a
    // known client's fingerprint for a request anyone may have sent.
    if (this.deps.store.has(fingerprint)) {
      throw new GameStreamRequestError(
        409,
        'this client certificate is paired already; to pair it again, unpair it on the host first',
      );
    }
    const state = this.begin(request, address);
    const signal = AbortSignal.any([clientGone, state.abort.signal, AbortSignal.timeout(PIN_WAIT_MS)]);
    const info = {
      kind: 'gamestream' as const,
      clientName: request.deviceName,
      address,
      fingerprint: state.clientFingerprint,
    };
    const { requestId, pin } = this.deps.pending.requestPin(info, signal);
    state.requestId = requestId;
    this.deps.log(
      `GameStream pairing request from ${clientLabel(request.deviceName, state.clientFingerprint)} at ${address}; enter the PIN it shows`,
    );
    const pinText = await this.awaitPin(state, pin);
    // The request may have ended meanwhile (/unpair, host stopping).
    if (!this.waiting.delete(state)) throw new GameStreamRequestError(409, 'the pairing was cancelled');
    if (this.current) {
      this.settle(state, 'failed', 'another client was finishing its pairing; the client may retry');
      throw new GameStreamRequestError(503, 'another client is finishing its pairing; try again in a moment');
    }
    this.current = state;
    state.key = pairingAesKey(state.salt, pinText);
    this.advance(state, 'awaiting-client-challenge');
    return pairedXml(true, [['plaincert', Buffer.from(this.deps.hostCertPem, 'latin1').toString('hex')]]);
  }

  private async awaitPin(state: PairingState, pin: Promise<string>): Promise<string> {
    try {
      return await pin;
    } catch (error) {
      this.end(state, 'failed', 'no PIN: the request was refused, replaced, timed out or the client left');
      const reason = error instanceof PinRefused ? error.reason : null;
      if (reason === 'refused')
        throw new GameStreamRequestError(403, 'the operator refused the pairing request');
      if (reason === 'replaced') {
        throw new GameStreamRequestError(409, 'a newer pairing request from this address replaced this one');
      }
      if (reason === 'full') {
        throw new GameStreamRequestError(503, 'too many pairing requests are waiting; try again later');
      }
      throw new GameStreamRequestError(408, 'no PIN was entered for this pairing request');
    }
  }

  /** Phase 2: the client's challenge; answer with the host's proof and challenge. */
  clientChallenge(request: Phase2, address: string): string {
    const state = this.expect(request.uniqueId, address, 'awaiting-client-challenge');
    const key = state.key as Buffer;
    const response = hostChallengeResponse({
      key,
      clientChallenge: aesEcbDecrypt(key, request.encryptedChallenge),
      hostCertSignature: this.hostCertSignature,
      hostSecret: state.hostSecret,
      hostChallenge: state.hostChallenge,
    });
    this.advance(state, 'awaiting-client-hash');
    return pairedXml(true, [['challengeresponse', response.toString('hex')]]);
  }

  /** Phase 3: the client commits to its hash; answer with the host's signed secret. */
  serverChallengeResponse(request: Phase3, address: string): string {
    const state = this.expect(request.uniqueId, address, 'awaiting-client-hash');
    state.clientHash = aesEcbDecrypt(state.key as Buffer, request.encryptedHash);
    this.advance(state, 'awaiting-client-secret');
    const signature = signSecret(this.deps.hostKeyPem, state.hostSecret);
    return pairedXml(true, [['pairingsecret', Buffer.concat([state.hostSecret, signature]).toString('hex')]]);
  }

  /** Phase 4: check the client's secret against its phase-3 hash and its certificate; store it. */
  async clientPairingSecret(request: Phase4, address: string): Promise<string> {
    const state = this.expect(request.uniqueId, address, 'awaiting-client-secret');
    const expected = clientResponseHash(
      state.hostChallenge,
      certificateSignature(state.clientCert.raw),
      request.clientSecret,
    );
    const hashMatches = equalBytes(expected, state.clientHash as Buffer);
    const signed = verifySecret(state.clientCert, request.clientSecret, request.signature);
    if (!hashMatches || !signed) {
      const why = hashMatches ? 'the client secret is not signed by its certificate' : 'wrong PIN';
      this.end(state, 'failed', why);
      return pairedXml(false);
    }
    try {
      await this.deps.store.add(state.clientFingerprint, state.deviceName);
    } catch (error) {
      this.end(state, 'failed', `could not store the client: ${(error as Error).message}`);
      throw error;
    }
    this.end(state, 'paired', 'its certificate is stored');
    return pairedXml(true);
  }

  /**
   * /unpair over HTTP, or a client giving up: ends its pairings in progress or
   * waiting. Moonlight sends one fixed uniqueid for every client, so the
   * address must match too: nobody else's request is ended.
   */
  cancel(uniqueId: string, address: string): boolean {
    const mine = [...this.waiting, ...(this.current ? [this.current] : [])].filter(
      (state) => state.uniqueId === uniqueId && state.address === address,
    );
    for (const state of mine) this.end(state, 'failed', 'the client cancelled the pairing');
    return mine.length > 0;
  }

  close(): void {
    for (const state of [...this.waiting, ...(this.current ? [this.current] : [])]) {
      this.end(state, 'failed', 'the host is stopping');
    }
  }

  private begin(request: Phase1, address: string): PairingState {
    const state: PairingState = {
      phase: 'awaiting-pin',
      uniqueId: request.uniqueId,
      address,
      deviceName: request.deviceName,
      clientCert: request.clientCert,
      clientFingerprint: certificateFingerprint(request.clientCert.raw),
      salt: request.salt,
      requestId: null,
      key: null,
      hostSecret: randomBytes(PAIRING_SECRET_BYTES),
      hostChallenge: randomBytes(PAIRING_CHALLENGE_BYTES),
      clientHash: null,
      abort: new AbortController(),
      stepTimer: null,
    };
    this.waiting.add(state);
    return state;
  }

  /** The pairing this request continues; a phase out of order ends it. */
  private expect(uniqueId: string, address: string, phase: Phase): PairingState {
    const state = this.current;
    if (!state) throw new GameStreamRequestError(409, 'no pairing is in progress; start with getservercert');
    if (state.uniqueId !== uniqueId || state.address !== address) {
      throw new GameStreamRequestError(409, 'another client is pairing');
    }
    if (state.phase !== phase) {
      this.end(state, 'failed', `pairing step out of order (expected ${phase})`);
      throw new GameStreamRequestError(409, `pairing step out of order; the pairing was ended`);
    }
    return state;
  }

  private advance(state: PairingState, phase: Phase): void {
    state.phase = phase;
    if (state.stepTimer) clearTimeout(state.stepTimer);
    state.stepTimer = setTimeout(
      () => this.end(state, 'failed', 'the client stopped pairing'),
      STEP_TIMEOUT_MS,
    );
    state.stepTimer.unref();
  }

  private end(state: PairingState, outcome: 'paired' | 'failed', detail: string): void {
    if (this.current === state) this.current = null;
    else if (!this.waiting.delete(state)) return;
    this.settle(state, outcome, detail);
  }

  private settle(state: PairingState, outcome: 'paired' | 'failed', detail: string): void {
    if (state.stepTimer) clearTimeout(state.stepTimer);
    state.abort.abort();
    if (state.requestId) this.deps.pending.settle(state.requestId, outcome, detail);
    this.deps.log(
      `GameStream pairing with ${clientLabel(state.deviceName, state.clientFingerprint)}: ${outcome} (${detail})`,
    );
  }
}
