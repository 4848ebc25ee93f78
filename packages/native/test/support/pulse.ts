// Test support: a private PulseAudio server (its own socket, HOME and runtime
// dir, so nothing of a desktop session is touched), or PipeWire's PulseAudio
// interface in a private session, whose default sink is a null sink; a tone played into it with pacat; and the
// Goertzel filter the tests use to find a frequency in decoded audio. Used by
// this package's capture test and the host's audio end-to-end test.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateSession } from '../../../test-support/src/wayland-desktop.mjs';

export const SAMPLE_RATE = 48_000;
export const NULL_SINK = 'pf_test';
const START_TIMEOUT_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hasBinary = (name: string) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;

/** Whether `pulseaudio` and `pacat` are installed (Debian: pulseaudio). */
export function havePulse(): boolean {
  return hasBinary('pulseaudio') && hasBinary('pacat');
}

/** Power of one frequency in the signal. */
export function goertzelPower(samples: ArrayLike<number>, hz: number, sampleRate = SAMPLE_RATE): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = (samples[i] as number) + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** Interleaved stereo S16LE of a sine at `hz`, `seconds` long, at about a quarter of full scale. */
export function tonePcm(hz: number, seconds: number): Buffer {
  return channelTonesPcm([hz, hz], seconds);
}

/** Interleaved S16LE, one sine per channel (channel i at hz[i]), `seconds` long, a quarter of full scale. */
export function channelTonesPcm(hz: readonly number[], seconds: number): Buffer {
  const frames = SAMPLE_RATE * seconds;
  const channels = hz.length;
  const pcm = Buffer.alloc(frames * 2 * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.round(8000 * Math.sin((2 * Math.PI * (hz[c] as number) * i) / SAMPLE_RATE));
      pcm.writeInt16LE(v, (i * channels + c) * 2);
    }
  }
  return pcm;
}

/** Moonlight's speaker order (FL FR FC LFE RL RR SL SR) in PulseAudio's channel position names. */
export const SPEAKER_POSITIONS = [
  'front-left',
  'front-right',
  'front-center',
  'lfe',
  'rear-left',
  'rear-right',
  'side-left',
  'side-right',
] as const;

/** module-null-sink arguments for a sink of `channels` (2, 6 or 8) in Moonlight's order. */
function nullSinkArgs(channels: number): string[] {
  const args = [`sink_name=${NULL_SINK}`, `rate=${SAMPLE_RATE}`];
  if (channels === 2) return args;
  return [...args, `channels=${channels}`, `channel_map=${SPEAKER_POSITIONS.slice(0, channels).join(',')}`];
}

export interface PrivatePulse {
  /** For PULSE_SERVER: `unix:<socket>`. */
  server: string;
  /** Plays a `hz` tone for `seconds` into the null sink, with a low latency as a game would. */
  play(hz: number, seconds: number): void;
  /** Plays one tone per channel (hz[i] on SPEAKER_POSITIONS[i]; 2, 6 or 8 channels) into the null sink. */
  playChannels(hz: readonly number[], seconds: number): void;
  /** Stops the players and the server and removes its directory. */
  stop(): Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A PrivatePulse over a server already listening on `socket`; `stopServer` ends it. */
function pulseClientOf(
  socket: string,
  env: NodeJS.ProcessEnv,
  stopServer: () => Promise<void>,
): PrivatePulse {
  const clientEnv = { ...env, PULSE_SERVER: `unix:${socket}` };
  const players: ChildProcess[] = [];
  const playPcm = (pcm: Buffer, channels: number) => {
    const args = [
      '--raw',
      '--format=s16le',
      `--rate=${SAMPLE_RATE}`,
      `--channels=${channels}`,
      ...(channels > 2 ? [`--channel-map=${SPEAKER_POSITIONS.slice(0, channels).join(',')}`] : []),
      `--device=${NULL_SINK}`,
    ];
    const player = spawn('pacat', [...args, '--latency-msec=20'], {
      env: clientEnv,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    player.stdin?.on('error', () => {}); // pacat stopped with audio still queued
    player.stdin?.end(pcm);
    players.push(player);
  };
  return {
    server: clientEnv.PULSE_SERVER,
    play: (hz, seconds) => playPcm(tonePcm(hz, seconds), 2),
    playChannels: (hz, seconds) => playPcm(channelTonesPcm(hz, seconds), hz.length),
    async stop() {
      await Promise.all(players.map(stopProcess));
      await stopServer();
    },
  };
}

async function waitForSocket(socket: string, server: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(socket) && server.exitCode === null && Date.now() < deadline) await sleep(25);
  return existsSync(socket);
}

/** `sinkChannels`: the null sink's channels (2, or 6 / 8 in Moonlight's speaker order). */
export async function startPrivatePulse(sinkChannels = 2): Promise<PrivatePulse> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-pulse-'));
  const socket = join(dir, 'native');
  const env = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_RUNTIME_PATH: join(dir, 'run') };
  const server = spawn(
    'pulseaudio',
    [
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '-n',
      `--load=module-null-sink ${nullSinkArgs(sinkChannels).join(' ')}`,
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ],
    { env, stdio: 'ignore' },
  );
  const stopServer = async () => {
    await stopProcess(server);
    rmSync(dir, { recursive: true, force: true });
  };
  if (!(await waitForSocket(socket, server))) {
    await stopServer();
    throw new Error('the private PulseAudio server did not start');
  }
  return pulseClientOf(socket, env, stopServer);
}

/** Whether PipeWire's PulseAudio server and its session pieces are installed (Debian: pipewire-pulse). */
export function havePipeWirePulse(): boolean {
  return hasBinary('pipewire-pulse') && hasBinary('pactl') && hasBinary('pacat');
}

/**
 * PipeWire's PulseAudio interface (pipewire-pulse), as a PipeWire desktop
 * runs it, in a private session (its own D-Bus, PipeWire, WirePlumber): a
 * null sink made the default, so its monitor is what the host captures.
 */
export async function startPipeWirePulse(sinkChannels = 2): Promise<PrivatePulse> {
  const session = await startPrivateSession();
  const socket = join(session.runtimeDir, 'pulse', 'native');
  const server = session.spawnInSession('pipewire-pulse');
  if (!(await waitForSocket(socket, server))) {
    await session.stop();
    throw new Error('pipewire-pulse did not start');
  }
  const pactl = (...args: string[]) =>
    spawnSync('pactl', args, { env: { ...session.env, PULSE_SERVER: `unix:${socket}` }, encoding: 'utf8' });
  const sink = pactl('load-module', 'module-null-sink', ...nullSinkArgs(sinkChannels));
  const made = sink.status === 0 ? await setDefaultSink(pactl) : sink;
  if (made.status !== 0) {
    await session.stop();
    throw new Error(`pipewire-pulse: cannot make the null sink the default: ${made.stderr}`);
  }
  return pulseClientOf(socket, session.env, () => session.stop());
}

/**
 * The loaded sink shows up once PipeWire has made its node, which on a busy
 * machine can lag the load-module reply: tried again for a few seconds.
 */
async function setDefaultSink(
  pactl: (...args: string[]) => { status: number | null; stderr: string },
): Promise<{ status: number | null; stderr: string }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const result = pactl('set-default-sink', NULL_SINK);
    if (result.status === 0 || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
