// GNOME's monitor list (org.gnome.Mutter.DisplayConfig GetCurrentState):
// which monitors Mutter drives and at which mode. The virtual-monitor
// backend reads it to find the monitor its screen cast made and to prove
// that it runs at the session's mode (mutter-virtual.ts).
import { call, type SessionBus, withDeadline } from './session-bus.js';

const DISPLAY_CONFIG = 'org.gnome.Mutter.DisplayConfig';

export interface MutterMonitor {
  /** "Meta-0", "Meta-1", "DP-1". */
  connector: string;
  vendor: string;
  product: string;
  serial: string;
  /** The current mode; null when the monitor is off. */
  mode: { width: number; height: number; refreshHz: number } | null;
}

type Variant = { value: unknown };
type RawMode = [string, number, number, number, number, number[], Record<string, Variant>];
type RawMonitor = [[string, string, string, string], RawMode[], Record<string, Variant>];
type MonitorSpec = [string, string, string, string];
type RawLogical = [number, number, number, number, boolean, MonitorSpec[], Record<string, Variant>];
type RawState = [number, RawMonitor[], RawLogical[], Record<string, Variant>];

function currentMode(modes: RawMode[]): MutterMonitor['mode'] {
  const current = modes.find((m) => m[6]['is-current']?.value === true);
  return current ? { width: current[1], height: current[2], refreshHz: current[3] } : null;
}

async function displayConfig(bus: SessionBus, timeoutMs: number) {
  const object = await withDeadline(
    bus.getProxyObject(DISPLAY_CONFIG, '/org/gnome/Mutter/DisplayConfig'),
    timeoutMs,
    DISPLAY_CONFIG,
  );
  const iface = object.getInterface(DISPLAY_CONFIG);
  const state = await withDeadline(call<RawState>(iface, 'GetCurrentState'), timeoutMs, 'GetCurrentState');
  return { iface, state };
}

/** The monitors Mutter reports now. */
export async function mutterMonitors(bus: SessionBus, timeoutMs: number): Promise<MutterMonitor[]> {
  const { state } = await displayConfig(bus, timeoutMs);
  return state[1].map(([[connector, vendor, product, serial], modes]) => ({
    connector,
    vendor,
    product,
    serial,
    mode: currentMode(modes),
  }));
}

// ApplyMonitorsConfig's method: until the next change (a monitor added or
// removed), never written to monitors.xml.
const TEMPORARY = 1;

/**
 * Puts `connector`'s monitor at the layout's origin, the others moved right
 * by its width (the primary monitor stays the primary: the shell's panel
 * does not move). Mutter 43 opens a new window that asks for fullscreen
 * before it maps on the monitor at the origin (not where the pointer or the
 * primary flag is): so the session's app opens on its own monitor. Throws
 * Mutter's reason when it refuses the layout.
 */
export async function moveMonitorToOrigin(
  bus: SessionBus,
  connector: string,
  timeoutMs: number,
): Promise<void> {
  const { iface, state } = await displayConfig(bus, timeoutMs);
  const [serial, monitors, logical] = state;
  const currentOf = (c: string) =>
    monitors.find((m) => m[0][0] === c)?.[1].find((m) => m[6]['is-current']?.value === true);
  const mine = logical.find((l) => l[5].some((spec) => spec[0] === connector));
  const mode = currentOf(connector);
  if (!mine || !mode) throw new Error(`${connector} is not in Mutter's layout`);
  const shiftX = Math.round(mode[1] / mine[2]);
  const config = logical.map(([x, y, scale, transform, , specs]) => {
    const isMine = specs.some((spec) => spec[0] === connector);
    const at = isMine ? [0, 0] : [x + shiftX, y];
    return [
      ...at,
      scale,
      transform,
      isMine,
      specs.map((spec) => [spec[0], currentOf(spec[0])?.[0] ?? '', {}]),
    ];
  });
  await withDeadline(
    call(iface, 'ApplyMonitorsConfig', serial, TEMPORARY, config, {}),
    timeoutMs,
    'ApplyMonitorsConfig',
  );
}
