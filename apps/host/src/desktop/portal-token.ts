// The desktop portal's restore token, kept in the config dir: with it a
// later session starts the screen cast without the approval dialog, so an
// unattended host is approved once. Private (0600) like every file there.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateFile, type FileLog, writePrivateFileAtomic } from '../fs/private-files.js';

export const PORTAL_TOKEN_FILE = 'portal-restore-token';

export interface RestoreTokenStore {
  read(): Promise<string | null>;
  write(token: string): Promise<void>;
}

export function restoreTokenStore(configDir: string, log?: FileLog): RestoreTokenStore {
  const path = join(configDir, PORTAL_TOKEN_FILE);
  return {
    read: async () => {
      try {
        await ensurePrivateFile(path, log);
        const token = (await readFile(path, 'utf8')).trim();
        return token === '' ? null : token;
      } catch {
        // None yet (first cast), or unreadable: the portal asks again.
        return null;
      }
    },
    write: (token) => writePrivateFileAtomic(path, `${token}\n`),
  };
}
