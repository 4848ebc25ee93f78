// Failures caused by peers (TLS handshakes that fail or time out, refused
// over-limit connections, malformed requests) are counted here and logged as
// one line per interval with a count per listener and kind: a flood of bad
// connections must not become a flood of log lines (issue 17, fault 9).

export type PeerFailureKind =
  | 'TLS handshake failed'
  | 'TLS handshake timed out'
  | 'no first request in time'
  | 'refused: per-address cap'
  | 'refused: unauthenticated cap'
  | 'refused: not paired'
  | 'refused: connection rate'
  | 'malformed request'
  | 'request refused'
  | 'connection error';

export interface PeerFailureLogOptions {
  /** One summary line at most this often; nothing while no peer fails. */
  intervalMs: number;
  log(line: string): void;
  /**
   * After each summary, and once more an interval after the last one (the
   * flood's connections have timed out by then): the host gives the freed
   * TLS state of the failed connections back to the system here.
   */
  afterFailures?(): void;
}

/**
 * Failures worth their own line (what a client did wrong, with the reason)
 * get one, up to this many per listener and interval; past that they are
 * only counted, so a client that has a real problem is seen and a flood is not
 * written out line by line.
 */
export const DETAIL_LINES_PER_INTERVAL = 5;

export class PeerFailureLog {
  /** listener → kind → count since the last line. */
  private readonly counts = new Map<string, Map<PeerFailureKind, number>>();
  /** listener → detail lines written in its current interval. */
  private readonly detailed = new Map<string, { sinceMs: number; lines: number }>();
  private timer: NodeJS.Timeout | null = null;
  private windowStartMs = 0;
  /** The timer runs on past the last summary to call afterFailures once the flood is over. */
  private trailing = false;

  constructor(private readonly o: PeerFailureLogOptions) {}

  note(listener: string, kind: PeerFailureKind): void {
    let kinds = this.counts.get(listener);
    if (!kinds) {
      kinds = new Map();
      this.counts.set(listener, kinds);
    }
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (this.timer && !this.trailing) return;
    this.windowStartMs = Date.now();
    this.arm(false);
  }

  /** Logs `line` while the listener has had fewer than DETAIL_LINES_PER_INTERVAL this interval; counts it under `kind` after. */
  detail(listener: string, kind: PeerFailureKind, line: string): void {
    const nowMs = Date.now();
    let shown = this.detailed.get(listener);
    if (!shown || nowMs - shown.sinceMs >= this.o.intervalMs) {
      shown = { sinceMs: nowMs, lines: 0 };
      this.detailed.set(listener, shown);
    }
    if (shown.lines < DETAIL_LINES_PER_INTERVAL) {
      shown.lines++;
      this.o.log(line);
      return;
    }
    this.note(listener, kind);
  }

  private arm(trailing: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.trailing = trailing;
    this.timer = setTimeout(() => this.flush(), this.o.intervalMs);
    // A pending summary never keeps the process alive; close() writes it.
    this.timer.unref();
  }

  /** Writes the summary of what was counted since the last line, if anything was. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) {
      if (this.trailing) this.o.afterFailures?.();
      this.trailing = false;
      return;
    }
    const seconds = Math.max(1, Math.round((Date.now() - this.windowStartMs) / 1000));
    const parts = [...this.counts].map(
      ([listener, kinds]) =>
        `${listener}: ${[...kinds].map(([kind, count]) => `${count}× ${kind}`).join(', ')}`,
    );
    this.counts.clear();
    this.o.log(`peer failures in the last ${seconds} s: ${parts.join('; ')}`);
    this.o.afterFailures?.();
    this.arm(true);
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
