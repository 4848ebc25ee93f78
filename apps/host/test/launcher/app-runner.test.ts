// The app runner with real processes: sh scripts that write marker files,
// trap SIGTERM, ignore it, leave children behind or never start. Whether a
// process still runs is read from /proc (a zombie left to an init that does
// not reap counts as gone: it cannot run).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '@punktfunk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppCommandConfig, AppRunner, AppStartError } from '../../src/launcher/app-runner.js';

let dir: string;
let lines: string[];
/** Titles of apps that ended by themselves and asked for the session to end. */
let ended: string[];
let runner: AppRunner;

function newRunner(o: { stopGraceMs?: number; stopCommandTimeoutMs?: number } = {}): AppRunner {
  return new AppRunner({
    display: ':42',
    log: (line) => lines.push(line),
    hostEnv: { PATH: process.env.PATH, DISPLAY: ':5', PUNKTFUNK_MGMT_TOKEN: 'host-secret-token' },
    homeDir: dir,
    onAppEnded: (title) => ended.push(title),
    ...o,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pf-apps-'));
  lines = [];
  ended = [];
  runner = newRunner();
});

afterEach(async () => {
  await runner.stop('test over');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; the test's own timeout is the limit. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}

const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), 'utf8').trim();
const readPid = (name: string) => Number(read(name));

function sh(title: string, script: string, extra: Partial<AppCommandConfig> = {}): AppCommandConfig {
  return { title, command: ['/bin/sh', '-c', script], ...extra };
}

const logged = (pattern: RegExp) => lines.some((line) => pattern.test(line));

describe('AppRunner', () => {
  it('starts the command on the captured display with the extra env, logs its output line by line, and stops it with SIGTERM', async () => {
    const script = [
      'echo "display=$DISPLAY extra=$EXTRA token=$(printenv PUNKTFUNK_MGMT_TOKEN || echo unset) cwd=$(pwd)"',
      'echo "on stderr" >&2',
      `printf 'colour \\033[31mred\\n'`,
      `trap 'echo term > term.txt; exit 3' TERM`,
      'echo ready > ready.txt',
      'while :; do sleep 0.05; done',
    ].join('\n');
    const started = await runner.start(sh('Script', script, { env: { EXTRA: 'x y' }, workingDir: dir }));
    expect(started).toMatchObject({ title: 'Script', exited: false });
    await until(() => existsSync(file('ready.txt')));
    expect(runner.running()).toMatchObject({ pid: started.pid, exited: false });
    await until(() => logged(/on stderr/));

    await runner.stop('the client quit');
    expect(read('term.txt')).toBe('term');
    expect(runner.running()).toBeNull();
    expect(lines).toContain(`app "Script": display=:42 extra=x y token=unset cwd=${dir}`);
    expect(lines).toContain('app "Script": on stderr');
    expect(lines).toContain('app "Script": colour ?[31mred');
    expect(lines).toContainEqual(
      expect.stringMatching(/^app "Script" started: pid \d+, \/bin\/sh on DISPLAY :42$/),
    );
    // In this order; the shell may add its own "Terminated" about the sleep in between.
    const order = [
      'app "Script": stopping (the client quit)',
      `app "Script": SIGTERM to process group ${started.pid}`,
      `app "Script" (pid ${started.pid}) exited with code 3`,
      'app "Script": stopped',
    ].map((line) => lines.indexOf(line));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
  });

  it('stops the whole process group: a child and the grandchild it spawned', async () => {
    const script = '(sleep 1000 & echo $! > grandchild.txt; wait) & echo $! > child.txt; wait';
    const started = await runner.start(sh('Tree', script));
    await until(() => existsSync(file('grandchild.txt')) && read('grandchild.txt') !== '');
    const child = readPid('child.txt');
    const grandchild = readPid('grandchild.txt');
    expect([alive(started.pid), alive(child), alive(grandchild)]).toEqual([true, true, true]);

    await runner.stop('the client quit');
    expect([alive(started.pid), alive(child), alive(grandchild)]).toEqual([false, false, false]);
    expect(logged(/^app "Tree" \(pid \d+\) ended by SIGTERM$/)).toBe(true);
  });

  it('a launcher that exits by itself leaving its game running keeps the session; the game is stopped on quit', async () => {
    const started = await runner.start(sh('Launcher', 'sleep 1000 & echo $! > game.txt; exit 0'));
    await until(() => logged(/by itself/));
    const game = readPid('game.txt');
    expect(alive(game)).toBe(true);
    expect(lines).toContain(
      `app "Launcher" ended by itself; 1 process(es) of its group still run, the session stays`,
    );
    expect(ended).toEqual([]);
    expect(runner.running()).toMatchObject({ pid: started.pid, exited: true });

    await runner.stop('the client quit');
    expect(alive(game)).toBe(false);
    expect(lines).toContain(`app "Launcher": SIGTERM to process group ${started.pid}`);
  });

  it('SIGKILLs a group that ignores SIGTERM once the grace period is over', async () => {
    runner = newRunner({ stopGraceMs: 300 });
    const script = `trap '' TERM; echo ready > ready.txt; while :; do sleep 0.05; done`;
    const started = await runner.start(sh('Stubborn', script));
    await until(() => existsSync(file('ready.txt')));

    await runner.stop('the host is stopping');
    expect(alive(started.pid)).toBe(false);
    expect(lines).toContain(
      `app "Stubborn": still running 300 ms after SIGTERM; SIGKILL to process group ${started.pid}`,
    );
    expect(lines).toContain(`app "Stubborn" (pid ${started.pid}) ended by SIGKILL`);
    expect(lines.at(-1)).toBe('app "Stubborn": stopped');
  });

  it("starts on a session's own display: its environment over the host's (apps.json env still last), the stop command gets the same", async () => {
    const script = 'echo "$DISPLAY $WAYLAND_DISPLAY $EXTRA" > env.txt; exec sleep 600';
    const stopCommand = ['/bin/sh', '-c', 'echo "stop $DISPLAY $WAYLAND_DISPLAY" > stop.txt'];
    const started = await runner.start(
      sh('On its display', script, { env: { EXTRA: 'mine' }, stopCommand }),
      {
        DISPLAY: ':101',
        WAYLAND_DISPLAY: 'wayland-pf-1',
        EXTRA: 'display',
      },
    );
    await until(() => existsSync(file('env.txt')));
    expect(read('env.txt')).toBe(':101 wayland-pf-1 mine');
    expect(lines).toContainEqual(
      expect.stringMatching(/^app "On its display" started: pid \d+, \/bin\/sh on DISPLAY :101$/),
    );
    await runner.stop('the client quit');
    expect(read('stop.txt')).toBe('stop :101 wayland-pf-1');
    expect(alive(started.pid)).toBe(false);
  });

  it("starts on a session's private X display from a Wayland host without the host's WAYLAND_DISPLAY (it would open on the desktop)", async () => {
    runner = new AppRunner({
      display: null,
      log: (line) => lines.push(line),
      hostEnv: { PATH: process.env.PATH, WAYLAND_DISPLAY: 'wayland-1', SWAYSOCK: '/run/sway.sock' },
      homeDir: dir,
    });
    const script =
      'echo "$DISPLAY $(printenv WAYLAND_DISPLAY || echo unset) $(printenv SWAYSOCK || echo unset)" > env.txt; exec sleep 600';
    await runner.start(sh('On Xvfb', script), { DISPLAY: ':103' });
    await until(() => existsSync(file('env.txt')));
    expect(read('env.txt')).toBe(':103 unset unset');
  });

  it('runs the stopCommand first, in the same environment, then signals the app', async () => {
    const script = `trap 'echo term >> order.txt; exit 0' TERM; echo ready > ready.txt; while :; do sleep 0.05; done`;
    const stopCommand = ['/bin/sh', '-c', 'echo "stop $DISPLAY $EXTRA" >> order.txt; echo stopping the game'];
    const started = await runner.start(
      sh('Game', script, { env: { EXTRA: 'e' }, stopCommand, workingDir: dir }),
    );
    await until(() => existsSync(file('ready.txt')));

    await runner.stop('the client quit');
    expect(read('order.txt').split('\n')).toEqual(['stop :42 e', 'term']);
    expect(lines).toContain('app "Game" stop command: stopping the game');
    expect(lines).toContainEqual(
      expect.stringMatching(/^app "Game" stop command \(pid \d+\) exited with code 0$/),
    );
    expect(alive(started.pid)).toBe(false);
  });

  it('a stopCommand that hangs is killed after its timeout, one that cannot start is logged; the app is stopped either way', async () => {
    runner = newRunner({ stopCommandTimeoutMs: 200 });
    const hanging = await runner.start(
      sh('Hang', 'sleep 1000', { stopCommand: ['/bin/sh', '-c', 'sleep 1000'] }),
    );
    await runner.stop('the client quit');
    expect(lines).toContain(
      'app "Hang" stop command still running after 200 ms; SIGKILL, the app is signalled anyway',
    );
    expect(alive(hanging.pid)).toBe(false);

    const missing = await runner.start(
      sh('Missing', 'sleep 1000', { stopCommand: ['/nonexistent/stop-it'] }),
    );
    await runner.stop('the client quit');
    expect(lines).toContain(
      'app "Missing" stop command could not start: /nonexistent/stop-it: not found (ENOENT)',
    );
    expect(alive(missing.pid)).toBe(false);
  });

  it('a command that cannot start rejects with the reason and leaves nothing running', async () => {
    const cases: [AppCommandConfig, string, RegExp][] = [
      [
        { title: 'Gone', command: ['/nonexistent/game'] },
        'ENOENT',
        /\/nonexistent\/game: not found \(ENOENT\)/,
      ],
      [{ title: 'Unknown', command: ['punktfunk-no-such-program'] }, 'ENOENT', /not found \(ENOENT\)/],
      [
        { title: 'NoDir', command: ['/bin/true'], workingDir: join(dir, 'missing') },
        'ENOENT',
        /working directory .*missing: not found/,
      ],
    ];
    writeFileSync(file('not-executable.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(file('not-executable.sh'), 0o644);
    cases.push([
      { title: 'NoExec', command: [file('not-executable.sh')] },
      'EACCES',
      /permission denied \(not executable\?\) \(EACCES\)/,
    ]);
    for (const [config, code, message] of cases) {
      const error = await runner.start(config).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppStartError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
      expect(runner.running()).toBeNull();
      expect(lines.at(-1)).toMatch(new RegExp(`^app "${config.title}" could not start: `));
    }
  });

  it('a launcher that exits 0 at once has detached: the session stays; stop then signals nothing', async () => {
    await runner.stop('nothing runs');
    expect(lines).toEqual([]);
    const started = await runner.start(sh('Brief', 'echo bye'));
    await until(() => logged(/detached/));
    expect(lines).toContain(
      'app "Brief" exited cleanly at once (a launcher that detached); the session stays',
    );
    expect(lines).toContain(`app "Brief" (pid ${started.pid}) exited with code 0`);
    expect(ended).toEqual([]);

    await Promise.all([runner.stop('the client quit'), runner.stop('the client quit')]);
    await runner.stop('again');
    expect(lines.filter((l) => l.includes('stopping'))).toEqual(['app "Brief": stopping (the client quit)']);
    expect(lines).toContain('app "Brief": had already ended');
    expect(logged(/SIGTERM/)).toBe(false);
    expect(alive(started.pid)).toBe(false);
  });

  it('an app that ends by itself (the game quit) ends the session', async () => {
    await runner.start(sh('Game over', 'echo saving; exit 3'));
    await until(() => ended.length > 0);
    expect(ended).toEqual(['Game over']);
    expect(lines).toContain('app "Game over" ended by itself; ending the session');
    expect(runner.running()).toBeNull();
  });

  it('a stop that arrives while the command is still starting waits for it and stops it', async () => {
    const starting = runner.start(sh('Quick quit', 'sleep 1000'));
    const stopped = runner.stop('the client quit');
    const started = await starting;
    await stopped;
    expect(alive(started.pid)).toBe(false);
    expect(runner.running()).toBeNull();
    expect(lines).toContain(`app "Quick quit": SIGTERM to process group ${started.pid}`);
  });

  it('starting another app stops the running one first', async () => {
    const first = await runner.start(sh('First', 'sleep 1000'));
    const second = await runner.start(sh('Second', 'sleep 1000'));
    expect(alive(first.pid)).toBe(false);
    expect(alive(second.pid)).toBe(true);
    expect(lines).toContain('app "First": stopping (another app is launching)');
    expect(runner.running()).toMatchObject({ title: 'Second' });
  });
});
