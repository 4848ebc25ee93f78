// Apps with a command, against the real host process: apps.json written into
// the config directory before start, the project's GameStream client pairs
// and launches. The launched command runs on the host's display with the
// env from apps.json (it writes its pid, DISPLAY and children to files);
// /resume starts no second copy; /cancel answers once the command and its
// child are gone; a command that cannot start is the launch's error; one that
// ends by itself leaves the launch in place; stopping the host stops the app.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GameStreamClient } from '@punktfunk/gamestream-client';
import { leaf } from '@punktfunk/protocol';
import {
  alive,
  enterPin,
  newConfigDir,
  type RunningHost,
  startHost,
  waitForOutput,
} from '@punktfunk/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Nothing connects to it (the picture is the synthetic pattern and no stream runs): it only has to reach the app.
const DISPLAY = ':93';
const MARKER = 2;
const BROKEN = 3;
const BRIEF = 4;

let configDir: string;
let host: RunningHost;
let client: GameStreamClient;

// Appends its pid and DISPLAY (a second copy would add a line), starts a child, waits.
const markerScript = [
  'echo "$$ $DISPLAY $NOTE" >> app.txt',
  'sleep 1000 & echo $! > child.txt',
  'echo "marker app up"',
  'wait',
].join('\n');

function writeApps(dir: string): void {
  const apps = [
    { id: 1, title: 'Desktop' },
    {
      id: MARKER,
      title: 'Marker',
      command: ['/bin/sh', '-c', markerScript],
      workingDir: dir,
      env: { NOTE: 'from-apps-json' },
    },
    { id: BROKEN, title: 'Broken', command: ['/nonexistent/punktfunk-game'] },
    { id: BRIEF, title: 'Brief', command: ['/bin/sh', '-c', 'echo brief and gone; exit 2'] },
  ];
  writeFileSync(join(dir, 'apps.json'), JSON.stringify({ version: 1, apps }, null, 2), { mode: 0o600 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The host's stdout reaches this process on its own time: a reply can overtake the line logged before it. */
async function waitForLine(line: string): Promise<void> {
  while (!host.output().includes(line)) await sleep(50);
}

const appFile = (name: string) => readFileSync(join(configDir, name), 'utf8').trim();
const count = (pattern: RegExp) => host.output().match(new RegExp(pattern, 'g'))?.length ?? 0;

async function launchMarker(): Promise<{ pid: number; child: number }> {
  const before = count(/app "Marker": marker app up/);
  const reply = await client.launch({ appid: MARKER });
  expect(reply.statusCode).toBe(200);
  expect(leaf(reply, 'gamesession')).toBe('1');
  while (count(/app "Marker": marker app up/) === before) await sleep(50);
  const [pid] = appFile('app.txt').split('\n').at(-1)?.split(' ') ?? [];
  return { pid: Number(pid), child: Number(appFile('child.txt')) };
}

beforeAll(async () => {
  configDir = newConfigDir();
  writeApps(configDir);
  host = await startHost(configDir, { PUNKTFUNK_DISPLAY: DISPLAY });
  const gamestream = host.gamestream;
  if (!gamestream) throw new Error('GameStream did not start');
  client = await GameStreamClient.create({ http: gamestream.httpPort, https: gamestream.httpsPort });
  expect((await client.pair('4321', async () => void (await enterPin(host, '4321')))).paired).toBe(true);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('GameStream apps with a command, against the real host', () => {
  it('lists every app to the client; the management API shows id and title only', async () => {
    const reply = await client.https('/applist');
    expect(reply.groups.get('App')?.map((app) => app.get('AppTitle'))).toEqual([
      'Desktop',
      'Marker',
      'Broken',
      'Brief',
    ]);
    const api = (await (await host.api('/gamestream/apps')).json()) as { apps: object[] };
    expect(api.apps[1]).toEqual({ id: MARKER, title: 'Marker' });
    expect(JSON.stringify(api)).not.toMatch(/command|from-apps-json|sleep/);
  });

  it('launch runs the command on the display with its env; resume starts no second copy; cancel stops it and its child', async () => {
    const { pid, child } = await launchMarker();
    expect(appFile('app.txt')).toBe(`${pid} ${DISPLAY} from-apps-json`);
    expect([alive(pid), alive(child)]).toEqual([true, true]);
    expect(host.output()).toContain(`app "Marker" started: pid ${pid}, /bin/sh on DISPLAY ${DISPLAY}`);
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe(String(MARKER));

    const resume = await client.https('/resume', {
      appid: MARKER,
      mode: '1280x720x60',
      rikey: '00'.repeat(16),
      rikeyid: 1,
    });
    expect(leaf(resume, 'resume')).toBe('1');
    const desktop = await client.launch({ appid: 1 });
    expect(desktop.statusCode).toBe(409);
    expect(appFile('app.txt').split('\n')).toHaveLength(1);
    expect(count(/app "Marker" started/)).toBe(1);

    const cancel = await client.https('/cancel');
    expect(leaf(cancel, 'cancel')).toBe('1');
    // Answered after the stop: nothing of the app is left by then.
    expect([alive(pid), alive(child)]).toEqual([false, false]);
    for (const line of [
      'app "Marker": stopping (the client quit)',
      `app "Marker": SIGTERM to process group ${pid}`,
      `app "Marker" (pid ${pid}) ended by SIGTERM`,
      'app "Marker": stopped',
    ]) {
      await waitForLine(line);
    }
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
  });

  it('a command that cannot start is the launch error the client shows, and no launch record stays', async () => {
    const reply = await client.launch({ appid: BROKEN });
    expect(reply.httpStatus).toBe(200);
    expect(reply.statusCode).toBe(500);
    expect(reply.statusMessage).toBe(
      'Broken could not start: /nonexistent/punktfunk-game: not found (ENOENT)',
    );
    await waitForLine('app "Broken" could not start: /nonexistent/punktfunk-game: not found (ENOENT)');
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
    // The slot is free: the desktop launches.
    expect(leaf(await client.launch({ appid: 1 }), 'gamesession')).toBe('1');
    expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  });

  it('a command that ends by itself (the game quit) ends the session, as Sunshine does', async () => {
    expect(leaf(await client.launch({ appid: BRIEF }), 'gamesession')).toBe('1');
    await waitForOutput(host, /app "Brief" ended by itself; ending the session/);
    expect(host.output()).toContain('app "Brief": brief and gone');
    expect(leaf(await client.https('/serverinfo'), 'currentgame')).toBe('0');
    expect(leaf(await client.https('/cancel'), 'cancel')).toBe('1');
  });

  it('stopping the host stops the running app', async () => {
    const { pid, child } = await launchMarker();
    expect([alive(pid), alive(child)]).toEqual([true, true]);
    expect(await host.stop()).toBe(0);
    expect([alive(pid), alive(child)]).toEqual([false, false]);
    await waitForLine('app "Marker": stopping (the host is stopping)');
    await waitForLine('app "Marker": stopped');
  });
});
