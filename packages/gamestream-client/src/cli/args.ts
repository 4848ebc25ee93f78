// Command-line options of gs-client, validated with clear messages.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface GsClientArgs {
  host: string;
  /** The host's GameStream HTTP port; HTTPS comes from its serverinfo. */
  port: number;
  /** Only list the apps, then exit. */
  list: boolean;
  /** Only quit the running app (as Moonlight's "quit" does, e.g. after a crash left it running), then exit. */
  quit: boolean;
  /** Pair again even when the host already knows this client. */
  pair: boolean;
  /** App id or title; null: the first app. */
  app: string | null;
  seconds: number;
  json: boolean;
  width: number;
  height: number;
  fps: number;
  codec: 'h264' | 'hevc' | 'av1';
  bitrateKbps: number;
  encryptVideo: boolean;
  dropRate: number;
  /** Where the client keeps its certificate and unique id. */
  clientDir: string;
}

export const USAGE = `usage: pnpm gs-client -- --host 127.0.0.1 [--port 47989] [--list] [--quit] [--pair] [--app ID|TITLE]
       [--seconds 10] [--json] [--width 1280 --height 720 --fps 60] [--codec h264|hevc|av1]
       [--bitrate KBPS] [--encrypt-video] [--drop-rate 0.05] [--client-dir DIR]`;

export class ArgsError extends Error {}

function number(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ArgsError(`--${name} must be a number in ${min}..${max}, got '${value}'`);
  return n;
}

export function defaultClientDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PUNKTFUNK_GS_CLIENT_DIR || join(homedir(), '.config', 'punktfunk-gs-client');
}

export function parseGsClientArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): GsClientArgs {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      list: { type: 'boolean', default: false },
      quit: { type: 'boolean', default: false },
      pair: { type: 'boolean', default: false },
      app: { type: 'string' },
      seconds: { type: 'string' },
      json: { type: 'boolean', default: false },
      width: { type: 'string' },
      height: { type: 'string' },
      fps: { type: 'string' },
      codec: { type: 'string', default: 'h264' },
      bitrate: { type: 'string' },
      'encrypt-video': { type: 'boolean', default: false },
      'drop-rate': { type: 'string' },
      'client-dir': { type: 'string' },
    },
    strict: true,
  });
  if (values.codec !== 'h264' && values.codec !== 'hevc' && values.codec !== 'av1')
    throw new ArgsError(`--codec must be h264, hevc or av1, got '${values.codec}'`);
  return {
    host: values.host as string,
    port: Math.trunc(number(values.port, 'port', 1, 65535, 47989)),
    list: values.list as boolean,
    quit: values.quit as boolean,
    pair: values.pair as boolean,
    app: values.app ?? null,
    seconds: number(values.seconds, 'seconds', 0.1, 86400, 10),
    json: values.json as boolean,
    width: Math.trunc(number(values.width, 'width', 16, 7680, 1280)),
    height: Math.trunc(number(values.height, 'height', 16, 4320, 720)),
    fps: Math.trunc(number(values.fps, 'fps', 1, 240, 60)),
    codec: values.codec,
    bitrateKbps: Math.trunc(number(values.bitrate, 'bitrate', 100, 1_000_000, 10_000)),
    encryptVideo: values['encrypt-video'] as boolean,
    dropRate: number(values['drop-rate'], 'drop-rate', 0, 0.9, 0),
    clientDir: values['client-dir'] ?? defaultClientDir(env),
  };
}
