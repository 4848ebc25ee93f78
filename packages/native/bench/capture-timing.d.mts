export interface CaptureRun {
  mode: string;
  repeated: number;
  cpuMsPerFrame: number;
  captureP50Us: number;
  captureP99Us: number;
  /** Only with serverPid: the display server's or compositor's CPU per converted frame. */
  serverCpuMsPerFrame?: number;
}
export function sleepMs(ms: number): boolean | 'ok' | 'not-equal' | 'timed-out';
export function percentile(sorted: number[], p: number): number;
export function processCpuMs(pid: number): number;
export function measureCapture(
  capture: { capture(): { repeated: boolean; captureUs: number }; captureMode: string },
  options: { frames: number; warmupFrames: number; fps: number; serverPid?: number },
): CaptureRun;
export function withX11Capture<T>(
  width: number,
  height: number,
  measure: (capture: import('@punktfunk/native').FrameCapture, xServerPid: number) => T,
): Promise<T>;
