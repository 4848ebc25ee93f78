// Host side of GameStream PIN pairing: one pairing at a time, as an explicit
// state object that moves through the phases of libgamestream's gs_pair.
// Phase 1 waits for the operator's PIN (PendingPairings); the client's
// certificate is stored only after phase 4 proved that both ends used the
// same PIN and that the client holds the certificate's key. Any failure
// ends the pairing and frees the slot, so the client can simply try again.
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

// Moonlight waits without a timeout while the user walks to the host; five
// minutes frees the slot if the operator never answers.
const PIN_WAIT_MS = 5 * 60_000;
// Clients send phases 2-4 back to back; a longer gap means the client is gone.
const STEP_TIMEOUT_MS = 30_000;

type Phase = 'awaiting-pin' | 'awaiting-client-challenge' | 'awaiting-client-hash' | 'awaiting-client-secret';

interface PairingState {
  phase: Phase;
  uniqueId: string;
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
  store: { add(fingerprint: string, name: string): Promise<unknown> };
  log(line: string): void;
}

type Phase1 = Extract<PairRequest, { phase: 'getservercert' }>;
type Phase2 = Extract<PairRequest, { phase: 'clientchallenge' }>;
type Phase3 = Extract<PairRequest, { phase: 'serverchallengeresp' }>;
type Phase4 = Extract<PairRequest, { phase: 'clientpairingsecret' }>;

export class GameStreamPairing {
  private current: PairingState | null = null;
  private readonly hostCertSignature: Buffer;

  constructor(private readonly deps: GameStreamPairingDeps) {
    this.hostCertSignature = certificateSignature(deps.hostCertDer);
  }

  /** Whether a pairing is in progress (for tests and status). */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Phase 1: registers the request, waits for the PIN, answers with the host certificate. */
  async getServerCert(request: Phase1, address: string, clientGone: AbortSignal): Promise<string> {
    if (this.current) {
      throw new GameStreamRequestError(503, 'another pairing is in progress; finish or cancel it first');
    }
    const state = this.begin(request);
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
    let pinText: string;
    try {
      pinText = await pin;
    } catch (error) {
      this.end(state, 'failed', 'no PIN: the request was refused, timed out or the client left');
      if (error instanceof PinRefused && error.reason === 'refused') {
        throw new GameStreamRequestError(403, 'the operator refused the pairing request');
      }
      throw new GameStreamRequestError(408, 'no PIN was entered for this pairing request');
    }
    // The slot may have been cleared meanwhile (/unpair, host stopping).
    if (!this.isCurrent(state)) throw new GameStreamRequestError(409, 'the pairing was cancelled');
    state.key = pairingAesKey(state.salt, pinText);
    this.advance(state, 'awaiting-client-challenge');
    return pairedXml(true, [['plaincert', Buffer.from(this.deps.hostCertPem, 'latin1').toString('hex')]]);
  }

  /** Phase 2: the client's challenge; answer with the host's proof and challenge. */
  clientChallenge(request: Phase2): string {
    const state = this.expect(request.uniqueId, 'awaiting-client-challenge');
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
  serverChallengeResponse(request: Phase3): string {
    const state = this.expect(request.uniqueId, 'awaiting-client-hash');
    state.clientHash = aesEcbDecrypt(state.key as Buffer, request.encryptedHash);
    this.advance(state, 'awaiting-client-secret');
    const signature = signSecret(this.deps.hostKeyPem, state.hostSecret);
    return pairedXml(true, [['pairingsecret', Buffer.concat([state.hostSecret, signature]).toString('hex')]]);
  }

  /** Phase 4: check the client's secret against its phase-3 hash and its certificate; store it. */
  async clientPairingSecret(request: Phase4): Promise<string> {
    const state = this.expect(request.uniqueId, 'awaiting-client-secret');
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
    this.end(state, 'paired', `${state.deviceName} paired`);
    return pairedXml(true);
  }

  /** /unpair over HTTP, or a client giving up: ends its pairing in progress. */
  cancel(uniqueId: string): boolean {
    const state = this.current;
    if (!state || state.uniqueId !== uniqueId) return false;
    this.end(state, 'failed', 'the client cancelled the pairing');
    return true;
  }

  close(): void {
    if (this.current) this.end(this.current, 'failed', 'the host is stopping');
  }

  private isCurrent(state: PairingState): boolean {
    return this.current === state;
  }

  private begin(request: Phase1): PairingState {
    const state: PairingState = {
      phase: 'awaiting-pin',
      uniqueId: request.uniqueId,
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
    this.current = state;
    return state;
  }

  /** The pairing this request continues; a phase out of order ends it. */
  private expect(uniqueId: string, phase: Phase): PairingState {
    const state = this.current;
    if (!state) throw new GameStreamRequestError(409, 'no pairing is in progress; start with getservercert');
    if (state.uniqueId !== uniqueId) {
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
    if (this.current !== state) return;
    this.current = null;
    if (state.stepTimer) clearTimeout(state.stepTimer);
    state.abort.abort();
    if (state.requestId) this.deps.pending.settle(state.requestId, outcome, detail);
    this.deps.log(
      `GameStream pairing with ${clientLabel(state.deviceName, state.clientFingerprint)}: ${outcome} (${detail})`,
    );
  }
}
