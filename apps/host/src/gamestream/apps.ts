// The apps GameStream clients may launch: <config>/apps.json, written with
// "Desktop" on first start so the operator has a file to edit. A damaged
// file stops the start with a message (it is never overwritten).
import { readFile } from 'node:fs/promises';
import type { GameStreamAppInfo } from '@punktfunk/shared';
import { z } from 'zod';
import { ensurePrivateFile, type FileLog, writePrivateFileAtomic } from '../identity/private-files.js';

export const DEFAULT_APPS: readonly GameStreamAppInfo[] = [{ id: 1, title: 'Desktop' }];

// Titles show in a client's app grid: one line, short.
const TITLE_MAX_CHARS = 100;
const fileSchema = z.object({
  version: z.literal(1),
  apps: z
    .array(
      z.object({
        id: z
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1),
        title: z
          .string()
          .min(1)
          .max(TITLE_MAX_CHARS)
          .regex(/^\P{Cc}+$/u, 'no control characters'),
      }),
    )
    .min(1)
    .refine((apps) => new Set(apps.map((a) => a.id)).size === apps.length, 'app ids must be unique'),
});

export class AppsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppsFileError';
  }
}

export class GameStreamApps {
  private constructor(
    readonly path: string,
    private readonly apps: readonly GameStreamAppInfo[],
  ) {}

  static async load(path: string, log?: FileLog): Promise<GameStreamApps> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await writePrivateFileAtomic(path, `${JSON.stringify({ version: 1, apps: DEFAULT_APPS }, null, 2)}\n`);
      return new GameStreamApps(path, DEFAULT_APPS);
    }
    try {
      const parsed = fileSchema.parse(JSON.parse(text));
      await ensurePrivateFile(path, log);
      return new GameStreamApps(path, parsed.apps);
    } catch (error) {
      const why =
        error instanceof z.ZodError ? (error.issues[0]?.message ?? 'invalid') : (error as Error).message;
      throw new AppsFileError(`${path} is damaged (${why}); fix or remove it`);
    }
  }

  list(): GameStreamAppInfo[] {
    return this.apps.map((app) => ({ ...app }));
  }

  find(id: number): GameStreamAppInfo | null {
    return this.apps.find((app) => app.id === id) ?? null;
  }
}
