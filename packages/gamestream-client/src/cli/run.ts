// What gs-client does, step by step as Moonlight: serverinfo, pairing with a
// PIN the operator types into the host's console (only when the host does
// not know this client yet), the app list, launch, the stream for the
// requested time, and /cancel (quit the app) at the end.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { leaf } from '@punktfunk/protocol';
import { type GameStreamApp, GameStreamClient } from '../http-client.js';
import { rtspPortOf } from '../negotiation.js';
import { newLaunchKeys, startStreamSession } from '../session.js';
import type { GsClientArgs } from './args.js';
import type { GsClientIdentity } from './client-identity.js';
import { audioFigures, FrameCollector, type StreamReport, videoFigures } from './stream-report.js';

export type Log = (line: string) => void;

/** The RTSP port when the launch reply's sessionUrl0 names none (the GameStream default). */
const DEFAULT_RTSP_PORT = 48010;

/** Reads the HTTPS port and whether the host already knows this client. */
export async function connectClient(
  args: GsClientArgs,
  identity: GsClientIdentity,
): Promise<GameStreamClient> {
  const probe = await GameStreamClient.create(
    { http: args.port, https: 0 },
    { host: args.host, uniqueId: identity.uniqueId, cert: identity.cert },
  );
  const info = await probe.http('/serverinfo');
  if (info.statusCode !== 200) throw new Error(`serverinfo: ${info.statusCode} ${info.statusMessage ?? ''}`);
  const httpsPort = Number(leaf(info, 'HttpsPort'));
  if (!(httpsPort > 0)) throw new Error('serverinfo names no HttpsPort');
  return GameStreamClient.create(
    { http: args.port, https: httpsPort },
    { host: args.host, uniqueId: identity.uniqueId, cert: identity.cert, deviceName: 'gs-client' },
  );
}

/** Pairs unless the host answers this client's HTTPS serverinfo as paired. */
export async function ensurePaired(client: GameStreamClient, force: boolean, log: Log): Promise<void> {
  if (!force) {
    const info = await client.https('/serverinfo').catch(() => null);
    if (info && leaf(info, 'PairStatus') === '1') return;
  }
  const pin = String(randomInt(0, 10_000)).padStart(4, '0');
  log(`pairing: enter PIN ${pin} in the host's console (Pairing page) to pair this client`);
  const result = await client.pair(pin, async () => {});
  if (!result.paired) {
    throw new Error(
      `pairing failed at ${result.failedAt ?? '?'}${result.message ? `: ${result.message}` : ''}`,
    );
  }
  log(`paired (client ${client.fingerprint.slice(0, 16)}…)`);
}

export function chooseApp(apps: GameStreamApp[], wanted: string | null): GameStreamApp {
  const app =
    wanted === null
      ? apps[0]
      : apps.find((a) => String(a.id) === wanted || a.title.toLowerCase() === wanted.toLowerCase());
  if (!app) {
    const offered = apps.map((a) => `${a.id} "${a.title}"`).join(', ') || 'none';
    throw new Error(`no app ${wanted === null ? 'at all' : `'${wanted}'`} on the host (offered: ${offered})`);
  }
  return app;
}

/** Launches `app` and streams for args.seconds (or until the host ends the stream). */
export async function streamApp(
  client: GameStreamClient,
  app: GameStreamApp,
  args: GsClientArgs,
  log: Log,
): Promise<StreamReport> {
  const keys = newLaunchKeys();
  const mode = `${args.width}x${args.height}x${args.fps}`;
  const launch = await client.launch({ appid: app.id, mode, ...keys.launchParams });
  if (launch.statusCode !== 200 || leaf(launch, 'gamesession') !== '1') {
    throw new Error(`launch: ${launch.statusCode} ${launch.statusMessage ?? ''}`.trim());
  }
  // Each session on a host has its own RTSP port: the one sessionUrl0 names.
  const rtspPort = rtspPortOf(leaf(launch, 'sessionUrl0'), DEFAULT_RTSP_PORT);
  const frames = new FrameCollector(args.codec);
  try {
    const session = await startStreamSession({
      rtspPort,
      host: args.host,
      rikey: keys.rikey,
      rikeyId: keys.rikeyId,
      width: args.width,
      height: args.height,
      fps: args.fps,
      bitrateKbps: args.bitrateKbps,
      codec: args.codec,
      videoEncryption: args.encryptVideo,
      videoDropRate: args.dropRate,
      decodeAudio: true,
      onVideoFrame: frames.onFrame,
    });
    log(`streaming "${app.title}" ${mode} ${args.codec} for ${args.seconds} s`);
    const startedMs = Date.now();
    await Promise.race([sleep(args.seconds * 1000), session.ended]);
    const end = await session.stop();
    const seconds = (Date.now() - startedMs) / 1000;
    const counters = session.counters();
    return {
      host: args.host,
      app,
      mode: {
        width: args.width,
        height: args.height,
        fps: args.fps,
        codec: args.codec,
        bitrateKbps: args.bitrateKbps,
      },
      seconds,
      video: videoFigures(counters, frames, seconds),
      hostLatencyMs: frames.hostLatencyMs(),
      audio: audioFigures(counters),
      roundTripMs: counters.roundTripMs,
      end,
    };
  } finally {
    frames.close();
    // Quit the app, as Moonlight's "quit" does; a failure here must not hide the report.
    await client.https('/cancel').catch(() => null);
  }
}
