// The desktop portal's restore token, kept in the config dir: with it a
// later session starts the screen cast without the approval dialog, so an
// unattended host is approved once. Private (0600) like every file there.
import { join } from 'node:path';
import {
  ensurePrivateFile,
  type FileLog,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../fs/private-files.js';

export const PORTAL_TOKEN_FILE = 'portal-restore-token';

export interface RestoreTokenStore {
  read(): Promise<string | null>;
  /** Never throws: a token that cannot be kept is logged. */
  write(token: string): Promise<void>;
}

export function restoreTokenStore(configDir: string, log?: FileLog): RestoreTokenStore {
  const path = join(configDir, PORTAL_TOKEN_FILE);
  return {
    read: async () => {
      try {
        await ensurePrivateFile(path, log);
        const token = (await readPrivateFile(path)).trim();
        return token === '' ? null : token;
      } catch {
        // None yet (first cast), or unreadable: the portal asks again.
        return null;
      }
    },
    write: async (token) => {
      try {
        await writePrivateFileAtomic(path, `${token}\n`);
      } catch (error) {
        // The cast runs anyway; only the next session's dialog is not spared.
        log?.warn(
          `cannot keep the portal's restore token in ${path} (${(error as Error).message}); the next session asks again`,
        );
      }
    },
  };
}
