// Types of xvfb.mjs (plain JavaScript so benchmarks can use it too).
import type { ChildProcess } from 'node:child_process';

export const TEST_WINDOW_PATH: string;
export interface XvfbProcess {
  name: string;
  width: number;
  height: number;
  pid: number;
  stop(): Promise<void>;
}
export function stopProcess(child: ChildProcess): Promise<void>;
export function startXvfb(width?: number, height?: number): Promise<XvfbProcess>;
export function openAnimatedWindow(
  display: XvfbProcess,
  scene?: 'bar' | 'texture',
): Promise<{ pid: number; stop(): Promise<void> }>;
