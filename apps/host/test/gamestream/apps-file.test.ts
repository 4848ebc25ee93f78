// <config>/apps.json: the default file, version 1 files from before commands,
// apps with a command, and damaged or hostile files, which stop the host with
// a message naming the field and are left exactly as they were.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppsFileError, appCommand, GameStreamApps } from '../../src/gamestream/apps.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pf-appsfile-'));
  path = join(dir, 'apps.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (body: unknown) => writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
const v1 = (...apps: unknown[]) => ({ version: 1, apps });

describe('apps.json', () => {
  it('is written with Desktop (no command) on first start, private to the host user', async () => {
    const apps = await GameStreamApps.load(path);
    expect(apps.list()).toEqual([{ id: 1, title: 'Desktop' }]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(v1({ id: 1, title: 'Desktop' }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const desktop = apps.find(1);
    expect(desktop && appCommand(desktop)).toBeNull();
  });

  it('reads a version 1 file from before commands unchanged', async () => {
    write(v1({ id: 1, title: 'Desktop' }, { id: 7, title: 'Solitaire' }));
    const apps = await GameStreamApps.load(path);
    expect(apps.list()).toEqual([
      { id: 1, title: 'Desktop' },
      { id: 7, title: 'Solitaire' },
    ]);
  });

  it('reads an app with a command; clients and the API see only id and title', async () => {
    const game = {
      id: 2,
      title: 'Gears',
      command: ['/usr/games/gears', '--fullscreen', ''],
      workingDir: '/srv/games',
      env: { SDL_VIDEODRIVER: 'x11', API_KEY: 'secret value' },
      stopCommand: ['/usr/bin/pkill', '-INT', 'gears'],
    };
    write(v1({ id: 1, title: 'Desktop' }, game));
    const apps = await GameStreamApps.load(path);
    expect(apps.list()).toEqual([
      { id: 1, title: 'Desktop' },
      { id: 2, title: 'Gears' },
    ]);
    const found = apps.find(2);
    expect(found).toEqual(game);
    expect(found && appCommand(found)).toEqual({
      title: 'Gears',
      command: game.command,
      workingDir: '/srv/games',
      env: game.env,
      stopCommand: game.stopCommand,
    });
    expect(apps.find(3)).toBeNull();
  });

  const damaged: [string, unknown, RegExp][] = [
    ['not JSON', '{"version": 1, "apps": [', /JSON/],
    ['an unknown version', { version: 2, apps: [{ id: 1, title: 'Desktop' }] }, /version: /],
    ['no apps', v1(), /apps: /],
    ['duplicate ids', v1({ id: 1, title: 'A' }, { id: 1, title: 'B' }), /app ids must be unique/],
    ['a title with a newline', v1({ id: 1, title: 'A\nB' }), /apps\[0\]\.title: no control characters/],
    [
      'a title with a right-to-left override',
      v1({ id: 1, title: 'Steam\u202Eexe.' }),
      /apps\[0\]\.title: title contains U\+202E, a control or bidirectional formatting character/,
    ],
    [
      'a non-string argument',
      v1({ id: 1, title: 'A', command: ['/bin/game', 3] }),
      /apps\[0\]\.command\[1\]: /,
    ],
    [
      'a command string instead of an array',
      v1({ id: 1, title: 'A', command: 'game --fast' }),
      /apps\[0\]\.command: /,
    ],
    ['an empty command', v1({ id: 1, title: 'A', command: [] }), /apps\[0\]\.command: a command is an array/],
    ['an empty program', v1({ id: 1, title: 'A', command: [''] }), /apps\[0\]\.command: the program/],
    [
      'a NUL in an argument',
      v1({ id: 1, title: 'A', command: ['/bin/game', 'a\0b'] }),
      /must not contain NUL/,
    ],
    [
      'a relative workingDir',
      v1({ id: 1, title: 'A', command: ['game'], workingDir: 'games/a' }),
      /apps\[0\]\.workingDir: workingDir must be an absolute path/,
    ],
    [
      'an environment name with a space',
      v1({ id: 1, title: 'A', command: ['game'], env: { 'BAD NAME': 'x' } }),
      /apps\[0\]\.env\.BAD NAME: environment variable names/,
    ],
    [
      'a non-string environment value',
      v1({ id: 1, title: 'A', command: ['game'], env: { LEVEL: 3 } }),
      /apps\[0\]\.env\.LEVEL: /,
    ],
    [
      'a misspelt field',
      v1({ id: 1, title: 'A', comand: ['game'] }),
      /apps\[0\]: Unrecognized key: "comand"/,
    ],
    [
      'a stopCommand without a command',
      v1({ id: 1, title: 'A', stopCommand: ['/usr/bin/pkill', 'game'] }),
      /apps\[0\]: workingDir, env and stopCommand need a command/,
    ],
    [
      'a non-string stopCommand argument',
      v1({ id: 1, title: 'A', command: ['game'], stopCommand: ['kill', null] }),
      /apps\[0\]\.stopCommand\[1\]: /,
    ],
  ];

  it.each(damaged)(
    'with %s stops the start with a message naming the field, and is left as it was',
    async (_case, body, message) => {
      write(body);
      const before = readFileSync(path);
      const error = await GameStreamApps.load(path).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppsFileError);
      expect((error as Error).message).toMatch(/apps\.json is damaged \(.+\); fix or remove it$/);
      expect((error as Error).message).toMatch(message);
      expect(readFileSync(path).equals(before)).toBe(true);
    },
  );

  it('an env named __proto__ is refused rather than quietly dropped', async () => {
    write(`{"version":1,"apps":[{"id":1,"title":"A","command":["game"],"env":{"__proto__":"x"}}]}`);
    await expect(GameStreamApps.load(path)).rejects.toThrow(/__proto__/);
  });
});
