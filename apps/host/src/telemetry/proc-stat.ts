// Parsers for the /proc files the telemetry reads. Each returns null for
// what a line does not say (a field missing, not a number), never 0: a
// kernel that formats a file differently gives "not measured", not a lie.

/**
 * Clock ticks per second of the utime/stime fields (USER_HZ). It is 100 on
 * every Linux architecture Node runs on; the kernel's own HZ does not show
 * in /proc.
 */
export const USER_HZ = 100;

/** utime + stime (ticks) of a /proc/<pid>/stat or /proc/thread-self/stat line. */
export function parseTaskCpuTicks(text: string): number | null {
  // The command name (field 2) is in parentheses and may hold spaces and ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields.length < 13 || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return utime + stime;
}

/** Resident set size (pages) of a /proc/<pid>/stat line (field 24). */
export function parseTaskRssPages(text: string): number | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const value = Number(
    text
      .slice(close + 1)
      .trim()
      .split(/\s+/)[21],
  );
  return Number.isFinite(value) ? value : null;
}

export interface MachineCpu {
  /** Jiffies of all cores, busy and total (the `cpu` line). */
  busyTicks: number;
  totalTicks: number;
  /** `cpuN` lines. */
  cores: number | null;
  /** procs_running. */
  runQueue: number | null;
}

/** /proc/stat: the aggregate `cpu` line, the cores, procs_running; null without a usable `cpu` line. */
export function parseProcStat(text: string): MachineCpu | null {
  let busyTicks: number | null = null;
  let totalTicks = 0;
  let cores = 0;
  let runQueue: number | null = null;
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === 'cpu') {
      const ticks = rest.map(Number);
      // user nice system idle iowait irq softirq steal (guest is inside user already).
      if (ticks.length < 4 || ticks.slice(0, 8).some((t) => !Number.isFinite(t))) return null;
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
      busyTicks = user + nice + system + irq + softirq + steal;
      totalTicks = busyTicks + idle + iowait;
    } else if (key && /^cpu\d+$/.test(key)) cores++;
    else if (key === 'procs_running') {
      const value = Number(rest[0]);
      runQueue = Number.isFinite(value) ? value : null;
    }
  }
  if (busyTicks === null) return null;
  return { busyTicks, totalTicks, cores: cores > 0 ? cores : null, runQueue };
}

/** The 1-minute load average of /proc/loadavg. */
export function parseLoadAvg1(text: string): number | null {
  const value = Number.parseFloat(text.trim().split(/\s+/)[0] ?? '');
  return Number.isFinite(value) ? value : null;
}

/** MemTotal and MemTotal − MemAvailable of /proc/meminfo, in MB; null where a field is missing. */
export function parseMemInfo(text: string): { totalMb: number | null; usedMb: number | null } {
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  const mb = (k: number) => Math.round((k / 1024) * 10) / 10;
  return {
    totalMb: total === null ? null : mb(total),
    usedMb: total === null || available === null ? null : mb(total - available),
  };
}
