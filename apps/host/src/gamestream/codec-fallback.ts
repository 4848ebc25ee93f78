// When a codec cannot keep up with a mode on this machine (libx265 or SVT-AV1
// on two cores: encode time per frame over the frame budget), the host says
// so and offers only H.264 for that mode from then on. Moonlight acts on the
// RTSP DESCRIBE reply: without HEVC's `sprop-parameter-sets` or AV1's
// `AV1/90000` line it negotiates H.264 (RtspConnection.c), so DESCRIBE for a
// launch of that mode stops offering the slow codec. ServerCodecModeSupport
// in serverinfo stays as probed: it has no per-mode form. What was found is
// kept in the config directory (codec-fallbacks.json), so a restarted host
// still knows; removing the file makes the host try the codecs again.
import { readFile } from 'node:fs/promises';
import type { HostSdpOptions } from '@punktfunk/protocol';
import type { Codec } from '@punktfunk/shared';
import { z } from 'zod';
import { writePrivateFileAtomic } from '../fs/private-files.js';

export interface StreamMode {
  width: number;
  height: number;
  fps: number;
}

const modeKey = (m: StreamMode) => `${m.width}x${m.height}@${m.fps}`;

// A mode key per entry, a few at most: the file is the host's own, but a
// damaged or hand-edited one must not grow without bound.
const MAX_MODES = 64;
const fileSchema = z
  .object({
    version: z.literal(1),
    slow: z.record(z.string().regex(/^\d{2,5}x\d{2,5}@\d{1,4}$/), z.array(z.enum(['hevc', 'av1'])).max(2)),
  })
  .strict()
  .refine((f) => Object.keys(f.slow).length <= MAX_MODES, `at most ${MAX_MODES} modes`);

/** Codecs taken out of the offer per mode, kept across restarts when a file is given. */
export class CodecFallbacks {
  private readonly slow = new Map<string, Set<Codec>>();
  /** Saves one after the other: two at once would share the temporary file. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string | null = null,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** What an earlier run found; a missing file is none, a damaged one is said and ignored (it is only a memo). */
  static async load(path: string, log: (line: string) => void): Promise<CodecFallbacks> {
    const fallbacks = new CodecFallbacks(path, log);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        log(`GameStream: ${path}: ${(error as Error).message}`);
      return fallbacks;
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      log(
        `GameStream: ${path} is damaged (${parsed.error.issues[0]?.message ?? 'not JSON'}); every codec is offered again`,
      );
      return fallbacks;
    }
    for (const [key, codecs] of Object.entries(parsed.data.slow)) fallbacks.slow.set(key, new Set(codecs));
    return fallbacks;
  }

  /** Takes `codec` out of the offer for `mode`, and keeps that in the file. */
  demote(codec: Codec, mode: StreamMode): void {
    const key = modeKey(mode);
    const codecs = this.slow.get(key) ?? new Set<Codec>();
    codecs.add(codec);
    this.slow.set(key, codecs);
    const path = this.path;
    if (path && this.slow.size <= MAX_MODES) this.saving = this.saving.then(() => this.save(path));
  }

  /** Resolves once every demotion so far is in the file. */
  saved(): Promise<void> {
    return this.saving;
  }

  /** "1280x720@60: hevc, av1; ..." for the start-up line; '' when none. */
  describe(): string {
    return [...this.slow].map(([key, codecs]) => `${key}: ${[...codecs].join(', ')}`).join('; ');
  }

  private async save(path: string): Promise<void> {
    const slow = Object.fromEntries([...this.slow].map(([key, codecs]) => [key, [...codecs]]));
    try {
      await writePrivateFileAtomic(path, `${JSON.stringify({ version: 1, slow }, null, 2)}\n`);
    } catch (error) {
      this.log(`GameStream: could not keep the codec fallbacks in ${path}: ${(error as Error).message}`);
    }
  }

  isDemoted(codec: Codec, mode: StreamMode): boolean {
    return this.slow.get(modeKey(mode))?.has(codec) ?? false;
  }

  /** What DESCRIBE offers a launch of `mode`: the probed offer without the codecs too slow for it. */
  sdpFor(offer: HostSdpOptions, mode: StreamMode): HostSdpOptions {
    return {
      ...offer,
      hevc: offer.hevc && !this.isDemoted('hevc', mode),
      av1: offer.av1 && !this.isDemoted('av1', mode),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
