import type { ChildProcess } from 'node:child_process';

export const TEST_USER: string;
export interface TestUser {
  uid: number;
  gid: number;
  home: string;
}
export function testUser(): TestUser | null;
export interface PrivateSession {
  env: NodeJS.ProcessEnv;
  runtimeDir: string;
  user: TestUser | null;
  children: ChildProcess[];
  /** Starts a process as the session's user in its environment (plus `env`); stop() ends it. */
  spawnInSession(
    command: string,
    args?: string[],
    options?: {
      env?: NodeJS.ProcessEnv;
      stdio?: import('node:child_process').StdioOptions;
      asTestRunner?: boolean;
    },
  ): ChildProcess;
  stop(): Promise<void>;
}
export interface HeadlessGnome extends PrivateSession {
  width: number;
  height: number;
  waylandDisplay: string;
}
export interface HeadlessSway extends PrivateSession {
  width: number;
  height: number;
  waylandDisplay: string;
  outputName: string;
  /** sway's IPC socket (for swaymsg -s). */
  swaySocket: string;
}
export function startPrivateSession(user?: TestUser | null): Promise<PrivateSession>;
export function startHeadlessSway(
  width?: number,
  height?: number,
  options?: { chooser?: 'none' | 'refuse' },
): Promise<HeadlessSway>;
export function startHeadlessGnome(
  width?: number,
  height?: number,
  options?: { portal?: boolean },
): Promise<HeadlessGnome>;
export function stageForSessionUser(session: PrivateSession, source: string, target: string): void;
export function stageNodePackages(
  session: PrivateSession,
  fromFile: string,
  names: string[],
  nodeModules: string,
): void;
