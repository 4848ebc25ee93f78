// The operator's bearer token: PUNKTFUNK_MGMT_TOKEN, else <config>/mgmt-token,
// else 32 random bytes (hex) saved there (0600) on first start.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TOKEN_PATTERN } from '../config/index.js';
import {
  ensurePrivateFile,
  type FileLog,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../fs/private-files.js';

export interface MgmtToken {
  token: string;
  source: 'environment' | 'file' | 'generated';
  /** The file holding it; null when it came from the environment. */
  path: string | null;
}

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export async function loadOrCreateToken(
  envToken: string | null,
  configDir: string,
  log?: FileLog,
): Promise<MgmtToken> {
  if (envToken !== null) return { token: envToken, source: 'environment', path: null };
  const path = join(configDir, 'mgmt-token');
  try {
    const token = (await readPrivateFile(path)).trim();
    // Replacing a damaged token would lock out whoever holds the old one: say so instead.
    if (!TOKEN_PATTERN.test(token)) {
      throw new TokenError(
        `${path} does not hold a usable token (16+ printable characters); fix or delete it`,
      );
    }
    await ensurePrivateFile(path, log);
    return { token, source: 'file', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('hex');
  await writePrivateFileAtomic(path, `${token}\n`);
  return { token, source: 'generated', path };
}
