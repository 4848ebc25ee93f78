export function processCpuMs(pid: number): number;
