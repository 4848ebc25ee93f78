// One benchmark stream through the whole product, shared by the GameStream
// client benchmarks: a fresh host process (apps/host/dist) with the given
// environment, the project's GameStream client paired, launched and
// streaming WARMUP + SECONDS, the host processing latency read from every
// frame's header (what Moonlight shows) and the host process's CPU per
// frame from /proc.
import { GameStreamClient, newLaunchKeys, startStreamSession } from '@punktfunk/gamestream-client';
import { VideoDecoder } from '@punktfunk/native';
import { leaf } from '@punktfunk/protocol';
import { enterPin, newConfigDir, type RunningHost, startHost } from '@punktfunk/test-support';
import { processCpuMs } from './process-cpu.mjs';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
export const WARMUP_MS = 2000;
export const BITRATE_KBPS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

export interface RunFigures {
  p50Ms: number;
  p99Ms: number;
  frames: number;
  fps: number;
  hostCpuMsPerFrame: number;
  /** Frames that failed to decode (0 when every delivered frame decoded); null when not decoded. */
  decodeErrors: number | null;
}

export interface StreamRunOptions {
  codec?: 'h264' | 'hevc' | 'av1';
  /** Decode every delivered frame with the addon's decoder, as a client would. */
  decode?: boolean;
}

async function pairedClient(host: RunningHost): Promise<GameStreamClient> {
  const ports = host.gamestream;
  if (!ports) throw new Error('GameStream did not start');
  const client = await GameStreamClient.create({ http: ports.httpPort, https: ports.httpsPort });
  const paired = await client.pair('4711', async () => void (await enterPin(host, '4711')));
  if (!paired.paired) throw new Error('pairing failed');
  return client;
}

/** One stream from a fresh host: pair, launch, stream WARMUP + SECONDS, read the frame headers. */
export async function streamRun(
  width: number,
  height: number,
  env: Record<string, string>,
  options: StreamRunOptions = {},
): Promise<RunFigures> {
  const host = await startHost(newConfigDir(), env);
  const codec = options.codec ?? 'h264';
  const decoder = options.decode ? new VideoDecoder({ codec }) : null;
  let decodeErrors = 0;
  try {
    const client = await pairedClient(host);
    const keys = newLaunchKeys();
    const reply = await client.launch({ mode: `${width}x${height}x60`, ...keys.launchParams });
    if (leaf(reply, 'gamesession') !== '1') throw new Error('launch refused');
    const latencyTenthsMs: number[] = [];
    let recording = false;
    const session = await startStreamSession({
      rtspPort: host.gamestream?.rtspPort ?? 0,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      width,
      height,
      fps: 60,
      bitrateKbps: BITRATE_KBPS,
      codec,
      onVideoFrame: (frame) => {
        if (recording) latencyTenthsMs.push(frame.hostLatencyTenthsMs);
        try {
          decoder?.decode(frame.data);
        } catch {
          decodeErrors++;
        }
      },
    });
    await sleep(WARMUP_MS);
    const pid = host.process.pid ?? 0;
    const cpu0 = processCpuMs(pid);
    recording = true;
    await sleep(SECONDS * 1000);
    recording = false;
    const cpuMs = processCpuMs(pid) - cpu0;
    await client.https('/cancel');
    await session.ended;
    return {
      p50Ms: percentile(latencyTenthsMs, 50) / 10,
      p99Ms: percentile(latencyTenthsMs, 99) / 10,
      frames: latencyTenthsMs.length,
      fps: latencyTenthsMs.length / SECONDS,
      hostCpuMsPerFrame: cpuMs / latencyTenthsMs.length,
      decodeErrors: decoder ? decodeErrors : null,
    };
  } finally {
    decoder?.close();
    await host.stop();
  }
}

export function report(label: string, r: RunFigures): void {
  console.log(
    `  ${label}: host processing latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms ` +
      `(${r.frames} frames, ${r.fps.toFixed(1)} fps delivered); host process CPU ${r.hostCpuMsPerFrame.toFixed(2)} ms/frame`,
  );
}
