// Command-line options of the client, validated with clear messages.
import { parseArgs } from 'node:util';

export interface ClientArgs {
  host: string;
  port: number;
  seconds: number;
  json: boolean;
  out: string | null;
  /** --last-frame FILE: the last decoded picture, written as a binary PPM when the run ends (tests check pixels). */
  lastFrame: string | null;
  dropRate: number;
  width: number;
  height: number;
  fps: number;
  codec: 'h264' | 'hevc';
  bitrateKbps: number | null;
  fecPercent: number | null;
  name: string;
}

export const USAGE = `usage: pnpm client -- --host 127.0.0.1 [--port 47800] [--seconds 10] [--json] [--out file.h264] [--last-frame file.ppm]
       [--drop-rate 0.05] [--width 1280 --height 720 --fps 60] [--codec h264|hevc] [--bitrate KBPS] [--fec PERCENT]`;

export class ArgsError extends Error {}

function number(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ArgsError(`--${name} must be a number in ${min}..${max}, got '${value}'`);
  return n;
}

export function parseClientArgs(argv: string[]): ClientArgs {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      seconds: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'last-frame': { type: 'string' },
      'drop-rate': { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      fps: { type: 'string' },
      codec: { type: 'string', default: 'h264' },
      bitrate: { type: 'string' },
      fec: { type: 'string' },
      name: { type: 'string', default: 'punktfunk-client' },
    },
    strict: true,
  });
  if (values.codec !== 'h264' && values.codec !== 'hevc')
    throw new ArgsError(`--codec must be h264 or hevc, got '${values.codec}'`);
  return {
    host: values.host as string,
    port: Math.trunc(number(values.port, 'port', 1, 65535, 47800)),
    seconds: number(values.seconds, 'seconds', 0.1, 86400, 10),
    json: values.json as boolean,
    out: values.out ?? null,
    lastFrame: values['last-frame'] ?? null,
    dropRate: number(values['drop-rate'], 'drop-rate', 0, 0.9, 0),
    width: Math.trunc(number(values.width, 'width', 16, 7680, 1280)),
    height: Math.trunc(number(values.height, 'height', 16, 4320, 720)),
    fps: Math.trunc(number(values.fps, 'fps', 1, 240, 60)),
    codec: values.codec,
    bitrateKbps:
      values.bitrate === undefined ? null : Math.trunc(number(values.bitrate, 'bitrate', 100, 1_000_000, 0)),
    fecPercent: values.fec === undefined ? null : Math.trunc(number(values.fec, 'fec', 0, 100, 0)),
    name: values.name as string,
  };
}
