// The GameStream session flow for an app whose display is "virtual", in the
// real service (HTTPS, RTSP, control stream, streamer, app runner, streaming
// workers) with the project's GameStream client. The one stand-in is the
// virtual display backend, which desktop/virtual/ builds separately: an
// opener that hands out the real synthetic desktop as the session's display,
// with an environment and display info of its own, and counts its closes.
// Checked: the request carries the ANNOUNCEd mode and the client's label;
// the app starts only once the display is open, with the display's
// environment; the display stays across a resume and goes with /cancel;
// /status-style session info names it; a display that cannot be opened, or
// an app that cannot start on it, ends the launch with the reason.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GameStreamClient,
  newLaunchKeys,
  rtspPortOf,
  startStreamSession,
} from '@punktfunk/gamestream-client';
import { leaf, TERMINATION_FRAME_FAILED } from '@punktfunk/protocol';
import type { SessionInfo } from '@punktfunk/shared';
import { freeSessionPortBase, freeStreamPortBase } from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadDesktopConfig,
  loadEngineConfig,
  loadGameStreamConfig,
  loadListenersConfig,
  loadStreamCapsConfig,
} from '../../src/config/index.js';
import { DesktopOpener } from '../../src/desktop/desktop-opener.js';
import type { OpenedDesktop } from '../../src/desktop/desktop-source.js';
import type { SessionDisplayRequest } from '../../src/desktop/virtual/virtual-display.js';
import { type GameStreamService, startGameStreamService } from '../../src/gamestream/service.js';
import { loadOrCreateIdentity } from '../../src/identity/host-identity.js';
import { PairedClients } from '../../src/identity/paired-clients.js';
import { PeerFailureLog } from '../../src/net/peer-failures.js';
import { PendingPairings } from '../../src/pairing/pending-pairings.js';
import { ControlBlock } from '../../src/streaming/core/control-block.js';
import { SessionManager } from '../../src/streaming/core/session-manager.js';

const VIRTUAL_APP = 2;
const BROKEN_APP = 3;
const MISSING_APP = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dir = mkdtempSync(join(tmpdir(), 'punktfunk-virtual-flow-'));
const appFile = join(dir, 'app.txt');
const logs: string[] = [];
const requests: SessionDisplayRequest[] = [];
const sessionInfos: SessionInfo[] = [];
let displayCloses = 0;
let service: GameStreamService;
let manager: SessionManager;
let client: GameStreamClient;

/** The stand-in backend: the real synthetic desktop as the session's display. */
function virtualOpener(real: DesktopOpener): Pick<DesktopOpener, 'open'> {
  return {
    open: async (request = { mode: 'desktop' }) => {
      requests.push(request);
      if (request.mode === 'desktop') return real.open(request);
      // What the opener does with a mode its backend cannot make: a clear error.
      if (request.width > 4000) throw new Error(`cannot make ${request.width}x${request.height}`);
      const desktop = await real.open();
      const display: OpenedDesktop = {
        ...desktop,
        appEnvironment: { PF_TEST_DISPLAY: `virtual-${request.width}x${request.height}@${request.fps}` },
        displayInfo: {
          mode: 'virtual',
          backend: 'xvfb',
          width: request.width,
          height: request.height,
          description: `test display ${request.width}x${request.height}@${request.fps}`,
        },
        close: async () => {
          displayCloses++;
          await desktop.close();
        },
      };
      return display;
    },
  };
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen:\n${logs.slice(-30).join('\n')}`);
    await sleep(25);
  }
}

async function stream(path: '/launch' | '/resume', appid: number, mode: [number, number]) {
  const keys = newLaunchKeys();
  const reply = await client.https(path, { appid, mode: `${mode[0]}x${mode[1]}x30`, ...keys.launchParams });
  expect(reply.statusCode, reply.statusMessage ?? '').toBe(200);
  let frames = 0;
  const session = await startStreamSession({
    rtspPort: rtspPortOf(leaf(reply, 'sessionUrl0'), -1),
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width: mode[0],
    height: mode[1],
    fps: 30,
    bitrateKbps: 2000,
    onVideoFrame: () => frames++,
  });
  return { session, frames: () => frames };
}

beforeAll(async () => {
  writeFileSync(
    join(dir, 'apps.json'),
    JSON.stringify({
      version: 1,
      apps: [
        { id: 1, title: 'Desktop' },
        {
          id: VIRTUAL_APP,
          title: 'On its display',
          display: 'virtual',
          command: ['/bin/sh', '-c', `echo "$PF_TEST_DISPLAY" >> ${appFile}; exec sleep 600`],
        },
        { id: BROKEN_APP, title: 'Too large', display: 'virtual', command: ['/bin/sleep', '600'] },
        { id: MISSING_APP, title: 'Missing', display: 'virtual', command: ['/nonexistent/game'] },
      ],
    }),
  );
  const env = {
    PUNKTFUNK_GS_HTTP_PORT: '0',
    PUNKTFUNK_GS_HTTPS_PORT: '0',
    PUNKTFUNK_GS_RTSP_PORT: '0',
    PUNKTFUNK_GS_BIND: '127.0.0.1',
    PUNKTFUNK_MDNS: '0',
    PUNKTFUNK_GS_STREAM_PORT: String(await freeStreamPortBase()),
    PUNKTFUNK_GS_SESSION_PORT_BASE: String(await freeSessionPortBase()),
    PUNKTFUNK_CAPTURE: 'synthetic',
    PUNKTFUNK_DISPLAY: '',
    DISPLAY: '',
    PULSE_SERVER: 'unix:/nonexistent/punktfunk-tests-have-no-sound-server',
  };
  const log = (line: string) => logs.push(line);
  const desktop = loadDesktopConfig(env);
  const pairedClients = await PairedClients.open(join(dir, 'paired-clients.json'), { warn: log });
  manager = new SessionManager({
    control: new ControlBlock(),
    perf: false,
    sink: { addSample: () => {}, noteSession: (info) => sessionInfos.push(info) },
    log,
  });
  const failures = new PeerFailureLog({ intervalMs: 60_000, log });
  const started = await startGameStreamService({
    config: loadGameStreamConfig(env),
    engine: loadEngineConfig(env),
    streamCaps: loadStreamCapsConfig(env),
    desktop,
    desktops: virtualOpener(new DesktopOpener({ desktop, configDir: dir, log })),
    configDir: dir,
    identity: await loadOrCreateIdentity(dir, 'virtual-flow-host'),
    pairedClients,
    pending: new PendingPairings(),
    manager,
    encoderName: 'libx264',
    guard: { limits: loadListenersConfig(env).publicLimits, failures },
    log,
  });
  if (!started) throw new Error('GameStream did not start');
  service = started;
  client = await GameStreamClient.create(
    { http: service.httpPort, https: service.httpsPort },
    { uniqueId: 'VIRTUALFLOW00001', deviceName: 'couch' },
  );
  // Paired as the operator's PIN would have done it.
  await pairedClients.add(client.fingerprint, 'couch');
}, 60_000);

afterAll(async () => {
  await service?.close();
  await manager?.stopAll();
});

describe('a GameStream app on a virtual display', () => {
  it('opens the display at the ANNOUNCEd mode, starts the app on it after, keeps it across a resume and removes it with /cancel', async () => {
    const first = await stream('/launch', VIRTUAL_APP, [640, 360]);
    // Not at /launch: the app waits for its display (opened at the first stream).
    await waitFor('the app starting', () => logs.some((l) => /app "On its display" started/.test(l)));
    // The client as the operator named it, with its short fingerprint.
    const label = expect.stringMatching(/^couch \([0-9a-f:]{23}\)$/);
    expect(requests).toEqual([{ mode: 'virtual', width: 640, height: 360, fps: 30, label }]);
    expect(readFileSync(appFile, 'utf8')).toBe('virtual-640x360@30\n');
    const opened = logs.findIndex((l) => l.includes('has its display test display 640x360@30'));
    const appStarted = logs.findIndex((l) => /app "On its display" started/.test(l));
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(appStarted).toBeGreaterThan(opened);
    await waitFor('frames', () => first.frames() > 10);
    expect(sessionInfos.at(-1)?.display).toEqual({
      mode: 'virtual',
      backend: 'xvfb',
      width: 640,
      height: 360,
      description: 'test display 640x360@30',
    });

    // The client leaves and resumes: the same display, the app started once.
    await first.session.stop();
    await waitFor('the stream ending', () => manager.list().length === 0);
    expect(displayCloses).toBe(0);
    const again = await stream('/resume', VIRTUAL_APP, [640, 360]);
    await waitFor('frames after the resume', () => again.frames() > 10);
    expect(requests).toHaveLength(1);
    expect(readFileSync(appFile, 'utf8')).toBe('virtual-640x360@30\n');
    expect(displayCloses).toBe(0);

    // Quit: the stream ends, the app stops, the display goes.
    expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
    await again.session.ended;
    await waitFor('the display closing', () => displayCloses === 1);
    expect(logs).toContain('app "On its display": stopping (the client quit)');
  });

  it('ends the launch with the reason when its app cannot start on its display, and removes the display', async () => {
    await client.https('/cancel');
    const closesBefore = displayCloses;
    const end = await failedStream(MISSING_APP, 640);
    expect(end.terminationCode).toBe(TERMINATION_FRAME_FAILED);
    expect(logs).toContainEqual(expect.stringMatching(/^GameStream: Missing could not start: .*nonexistent/));
    await waitFor('the display closing', () => displayCloses === closesBefore + 1);
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
  });

  it('ends the launch with the reason when its display cannot be made, and starts nothing', async () => {
    await client.https('/cancel');
    const end = await failedStream(BROKEN_APP, 5000);
    expect(end.terminationCode).toBe(TERMINATION_FRAME_FAILED);
    expect(logs).toContain('GameStream: the virtual display could not be opened: cannot make 5000x360');
    expect(logs.some((l) => /app "Too large" started/.test(l))).toBe(false);
    // The launch record went with it: the client is free to launch again.
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
  });

  it('refuses at /launch, with the reason Moonlight shows, a mode no virtual display can have; nothing is opened', async () => {
    await client.https('/cancel');
    const before = requests.length;
    const reply = await client.launch({ appid: VIRTUAL_APP, mode: '1280x63x60' });
    expect([reply.statusCode, reply.statusMessage]).toEqual([
      400,
      'no virtual display can be 1280x63@60: the height must be a whole number of pixels in 64..8192',
    ]);
    expect(requests).toHaveLength(before);
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
    // The desktop app is not the virtual display's to judge.
    const desktop = await client.launch({ appid: 1, mode: '1280x63x60' });
    expect(desktop.statusCode).toBe(200);
    expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  });
});

/** Launches `appid` at width x 360 and streams until the host ends the stream. */
async function failedStream(appid: number, width: number) {
  const keys = newLaunchKeys();
  const reply = await client.https('/launch', { appid, mode: `${width}x360x30`, ...keys.launchParams });
  expect(reply.statusCode).toBe(200);
  const session = await startStreamSession({
    rtspPort: rtspPortOf(leaf(reply, 'sessionUrl0'), -1),
    rikey: keys.rikey,
    rikeyId: keys.rikeyId,
    width,
    height: 360,
    fps: 30,
    bitrateKbps: 2000,
    onVideoFrame: () => {},
  });
  return session.ended;
}
