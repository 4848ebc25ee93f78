// The apps GameStream clients may launch: <config>/apps.json, written with
// "Desktop" on first start so the operator has a file to edit. An app may
// carry a command the host starts on /launch and stops on /cancel
// (apps/host/src/apps/app-runner.ts). A damaged file stops the start with a
// message naming the field (it is never overwritten).
import { isAbsolute } from 'node:path';
import { type GameStreamAppInfo, nameProblem } from '@punktfunk/shared';
import { z } from 'zod';
import {
  ensurePrivateFile,
  type FileLog,
  readPrivateFile,
  writePrivateFileAtomic,
} from '../fs/private-files.js';
import type { AppCommandConfig } from '../launcher/app-runner.js';

/** An apps.json entry: what clients see (id, title) and, for apps that start something, how. */
export interface GameStreamApp extends GameStreamAppInfo {
  command?: string[];
  workingDir?: string;
  env?: Record<string, string>;
  stopCommand?: string[];
  /** "virtual": the app gets a display of its own at the client's mode; "desktop": the shared desktop; unset: the host default (PUNKTFUNK_DISPLAY_MODE). */
  display?: 'desktop' | 'virtual';
}

export const DEFAULT_APPS: readonly GameStreamApp[] = [{ id: 1, title: 'Desktop' }];

// Titles show in a client's app grid: one line, short.
const TITLE_MAX_CHARS = 100;
// The kernel refuses a NUL inside an argument, a path or a variable (and Node throws before spawning).
const noNul = (what: string) => z.string().refine((s) => !s.includes('\0'), `${what} must not contain NUL`);
// An argv array, not a shell line: no quoting surprises. ["/bin/sh", "-c", "…"] when a shell is wanted.
const argvSchema = z
  .array(noNul('an argument'))
  .min(1, 'a command is an array with at least the program')
  .refine((argv) => argv[0] !== '', 'the program (first element) must not be empty');
const envSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
  noNul('an environment value'),
);
const appSchema = z
  .strictObject({
    id: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    title: z
      .string()
      .min(1)
      .max(TITLE_MAX_CHARS)
      .regex(/^\P{Cc}+$/u, 'no control characters')
      .superRefine((title, ctx) => {
        const problem = nameProblem(title);
        if (problem) ctx.addIssue({ code: 'custom', message: `title ${problem}` });
      }),
    command: argvSchema.optional(),
    // Absolute: the host's own working directory is no place to resolve an app's paths against.
    workingDir: noNul('workingDir').refine(isAbsolute, 'workingDir must be an absolute path').optional(),
    env: envSchema.optional(),
    stopCommand: argvSchema.optional(),
    display: z.enum(['desktop', 'virtual']).optional(),
  })
  .refine(
    (app) => app.command !== undefined || (!app.workingDir && !app.env && !app.stopCommand),
    'workingDir, env and stopCommand need a command',
  );
const fileSchema = z.object({
  version: z.literal(1),
  apps: z
    .array(appSchema)
    .min(1)
    .refine((apps) => new Set(apps.map((a) => a.id)).size === apps.length, 'app ids must be unique'),
});

/** "apps[1].command[0]: expected string, received number" */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  // A record key's own complaint sits one level down ("Invalid key in record" says nothing).
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return path ? `${path}: ${message}` : message;
}

/**
 * JSON.parse keeps "__proto__" as an ordinary key, but zod drops it from
 * records without a word (copying it would set the prototype): refused, so
 * an env entry never silently goes missing.
 */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new Error('"__proto__" is not allowed as a key');
  return value;
}

export class AppsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppsFileError';
  }
}

export class GameStreamApps {
  private constructor(
    readonly path: string,
    private readonly apps: readonly GameStreamApp[],
  ) {}

  static async load(path: string, log?: FileLog): Promise<GameStreamApps> {
    let text: string;
    try {
      text = await readPrivateFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await writePrivateFileAtomic(path, `${JSON.stringify({ version: 1, apps: DEFAULT_APPS }, null, 2)}\n`);
      return new GameStreamApps(path, DEFAULT_APPS);
    }
    try {
      const parsed = fileSchema.parse(JSON.parse(text, refuseProtoKeys));
      await ensurePrivateFile(path, log);
      return new GameStreamApps(path, parsed.apps);
    } catch (error) {
      const first = error instanceof z.ZodError ? error.issues[0] : undefined;
      const why = first ? describeIssue(first) : (error as Error).message;
      throw new AppsFileError(`${path} is damaged (${why}); fix or remove it`);
    }
  }

  /** What clients and the management API see: id and title only (a command line or env may hold secrets). */
  list(): GameStreamAppInfo[] {
    return this.apps.map(({ id, title }) => ({ id, title }));
  }

  find(id: number): GameStreamApp | null {
    return this.apps.find((app) => app.id === id) ?? null;
  }
}

/** What the app runner starts for `app`; null for an app without a command (the desktop). */
export function appCommand(app: GameStreamApp): AppCommandConfig | null {
  if (!app.command) return null;
  const { title, command, workingDir, env, stopCommand } = app;
  return { title, command, workingDir, env, stopCommand };
}
