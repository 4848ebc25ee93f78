// Clients that paired with this host, keyed by the SHA-256 fingerprint of
// their certificate. The pairing flows fill it; the management API's TLS lane
// reads it (has) on every request, so lookups are in memory and synchronous.
import { nameProblem } from '@punktfunk/shared';

// The certificate, not the client's uniqueid or name, tells clients apart:
// moonlight-embedded sends one fixed uniqueid from every install, and two
// installs may well carry the same device name. The operator can rename a
// client; that name, with the short fingerprint, is how the host names it.
import { z } from 'zod';
import {
  ensurePrivateFile,
  type FileLog,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../fs/private-files.js';
import { normalizeFingerprint, shortFingerprint } from './certificate.js';

export interface PairedClient {
  fingerprint: string;
  name: string;
  pairedUnixMs: number;
}

// A name shows in one line of the console's list and in log lines.
export const CLIENT_NAME_MAX_CHARS = 64;
/** Why `name` cannot be a client's name, or null when it can. */
export function clientNameProblem(name: string): string | null {
  if (name.trim() === '') return 'must not be empty';
  if ([...name].length > CLIENT_NAME_MAX_CHARS) return `must be at most ${CLIENT_NAME_MAX_CHARS} characters`;
  // Bidirectional overrides and controls would make a name display other than
  // it is stored (one client passing itself off as another in the list).
  return nameProblem(name);
}

/** How the host names a client in logs and recordings: `roth (a1:b2:c3:d4:e5:f6:07:18)`. */
export function clientLabel(name: string, fingerprint: string): string {
  return `${name} (${shortFingerprint(fingerprint)})`;
}

const fileSchema = z.object({
  version: z.literal(1),
  clients: z.array(
    z.object({
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
      name: z.string(),
      pairedUnixMs: z.number(),
    }),
  ),
});

export class PairedClientsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairedClientsError';
  }
}

export class PairedClients {
  private readonly clients = new Map<string, PairedClient>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  /** Loads the store; a missing file is an empty store, a damaged one an error (never overwritten). */
  static async open(path: string, log?: FileLog): Promise<PairedClients> {
    const store = new PairedClients(path);
    let text: string;
    try {
      text = await readPrivateFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw error;
    }
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new PairedClientsError(`${path} is damaged (${(error as Error).message}); fix or remove it`);
    }
    for (const client of parsed.clients) store.clients.set(client.fingerprint, client);
    await ensurePrivateFile(path, log);
    return store;
  }

  has(fingerprint: string): boolean {
    const key = normalizeFingerprint(fingerprint);
    return key !== null && this.clients.has(key);
  }

  get(fingerprint: string): PairedClient | null {
    const key = normalizeFingerprint(fingerprint);
    return (key !== null && this.clients.get(key)) || null;
  }

  /** The client's label (operator's name and short fingerprint); "an unpaired client (short fingerprint)" when not paired. */
  label(fingerprint: string): string {
    const client = this.get(fingerprint);
    if (client) return clientLabel(client.name, client.fingerprint);
    return `an unpaired client (${shortFingerprint(normalizeFingerprint(fingerprint) ?? fingerprint)})`;
  }

  list(): PairedClient[] {
    return [...this.clients.values()].sort((a, b) => a.pairedUnixMs - b.pairedUnixMs);
  }

  async add(fingerprint: string, name: string, pairedUnixMs = Date.now()): Promise<PairedClient> {
    const key = normalizeFingerprint(fingerprint);
    if (key === null) throw new PairedClientsError(`not a SHA-256 fingerprint: '${fingerprint}'`);
    // The protocols check names already; this keeps a bad one out of the store whatever the path.
    const problem = nameProblem(name);
    if (problem) throw new PairedClientsError(`the client name ${problem}`);
    const client = { fingerprint: key, name, pairedUnixMs };
    this.clients.set(key, client);
    await this.persist();
    return client;
  }

  /** The operator's name for a paired client; null when it is not paired. */
  async rename(fingerprint: string, name: string): Promise<PairedClient | null> {
    const problem = clientNameProblem(name);
    if (problem) throw new PairedClientsError(`the name ${problem}`);
    const client = this.get(fingerprint);
    if (!client) return null;
    const renamed = { ...client, name: name.trim() };
    this.clients.set(client.fingerprint, renamed);
    await this.persist();
    return renamed;
  }

  /** Returns whether the client was paired. */
  async remove(fingerprint: string): Promise<boolean> {
    const key = normalizeFingerprint(fingerprint);
    if (key === null || !this.clients.delete(key)) return false;
    await this.persist();
    return true;
  }

  // Writes are chained so two quick changes land in order, each as a whole file.
  private persist(): Promise<void> {
    const snapshot = `${JSON.stringify({ version: 1, clients: this.list() }, null, 2)}\n`;
    const write = this.writes.then(() => writePrivateFileAtomic(this.path, snapshot));
    this.writes = write.catch(() => {});
    return write;
  }
}
