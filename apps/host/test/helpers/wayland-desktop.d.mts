import type { ChildProcess } from 'node:child_process';

export interface PrivateSession {
  env: NodeJS.ProcessEnv;
  runtimeDir: string;
  children: ChildProcess[];
  spawnInSession(command: string, args?: string[], extraEnv?: NodeJS.ProcessEnv): ChildProcess;
  stop(): Promise<void>;
}
export interface HeadlessGnome extends PrivateSession {
  width: number;
  height: number;
  waylandDisplay: string;
}
export function startPrivateSession(): Promise<PrivateSession>;
export function startHeadlessGnome(width?: number, height?: number): Promise<HeadlessGnome>;
