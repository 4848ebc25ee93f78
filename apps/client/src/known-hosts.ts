// Trust on first use: the first time the client connects to a host it pins
// the host certificate's SHA-256 fingerprint; afterwards a different
// certificate is refused (someone in the middle, or a reinstalled host).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function clientConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PUNKTFUNK_CLIENT_DIR ?? join(homedir(), '.config', 'punktfunk-client');
}

export class KnownHosts {
  private readonly path: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'known-hosts.json');
  }

  private read(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  /** 'pinned' the first time, 'match' afterwards, or 'mismatch' with the pinned value. */
  check(hostKey: string, fingerprint: string): { result: 'pinned' | 'match' | 'mismatch'; pinned: string } {
    const hosts = this.read();
    const pinned = hosts[hostKey];
    if (pinned === undefined) {
      hosts[hostKey] = fingerprint;
      writeFileSync(this.path, `${JSON.stringify(hosts, null, 2)}\n`, { mode: 0o600 });
      return { result: 'pinned', pinned: fingerprint };
    }
    return { result: pinned === fingerprint ? 'match' : 'mismatch', pinned };
  }
}
