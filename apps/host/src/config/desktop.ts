// Where the streamed picture comes from, which X display input and apps go
// to, and the Wayland desktop session the host runs in (read once here).
import { type DisplayModeConfig, loadDisplayModeConfig } from './display-mode.js';
import { ConfigError, type Env, pick } from './read-env.js';

export interface DesktopConfig extends DisplayModeConfig {
  /**
   * PUNKTFUNK_CAPTURE: x11 captures the X display; synthetic streams the test
   * pattern; portal asks the XDG desktop portal; mutter uses GNOME's own
   * screen-cast API; pipewire captures an existing PipeWire node
   * (`pipewireNode`); wlr captures a wlroots compositor's output (sway,
   * Hyprland) through screencopy; auto (default) picks mutter, wlr or portal
   * on a Wayland desktop, else x11 when the display is reachable, and says why.
   */
  capture: CaptureSourceChoice;
  /** PUNKTFUNK_DISPLAY, else DISPLAY: the X display to capture, inject input into and start apps on; null: none. */
  display: string | null;
  /** PUNKTFUNK_CAPTURE=pipewire:NODE: the node, by id or by node.name. */
  pipewireNode?: PipeWireNodeRef | undefined;
  /** PUNKTFUNK_MUTTER_MONITOR: the connector mutter records ("Meta-0", "DP-1"); unset: the primary monitor. */
  mutterMonitor?: string | undefined;
  /** PUNKTFUNK_WLR_OUTPUT: the wlroots output wlr captures ("HEADLESS-1", "DP-1"); unset: the first output. */
  wlrOutput?: string | undefined;
  /**
   * PUNKTFUNK_PORTAL_INPUT: remote-desktop (default, unset) opens portal casts
   * inside a RemoteDesktop session where the portal offers one, so input goes
   * through the portal; off asks for the screen only (input then goes to the
   * wlroots devices or uinput), for a portal that persists screen casts but
   * not remote desktop (GNOME 43) on a host that must restart unattended.
   */
  portalInput?: 'remote-desktop' | 'off' | undefined;
  /** WAYLAND_DISPLAY: the Wayland desktop the host runs in (a socket name or path); unset: none. */
  waylandDisplay?: string | undefined;
  /** XDG_RUNTIME_DIR: where the desktop's sockets (Wayland, PipeWire) live. */
  runtimeDir?: string | undefined;
  /** DBUS_SESSION_BUS_ADDRESS: the desktop's session bus (Mutter, the portal). */
  sessionBusAddress?: string | undefined;
}

export type PipeWireNodeRef = { id: number } | { name: string };

export const CAPTURE_SOURCES = ['auto', 'x11', 'synthetic', 'portal', 'mutter', 'wlr', 'pipewire'] as const;
export type CaptureSourceChoice = (typeof CAPTURE_SOURCES)[number];

// ":0", ":1.0", "host:0", "/tmp/.X11-unix/X0": what xcb_connect accepts, nothing that reaches a shell.
const DISPLAY_PATTERN = /^[\w./-]*:\d+(\.\d+)?$|^\/[\w./-]+$/;
// A node.name as PipeWire tools print them ("pf-test", "gamescope", "alsa_output.pci-0000_00_1f.3").
const NODE_NAME_PATTERN = /^[\w.:@+-]{1,256}$/;
// Mutter's connector names: "Meta-0", "DP-1", "HDMI-A-1", "eDP-1".
const CONNECTOR_PATTERN = /^[\w-]{1,64}$/;
// wlroots output names: "HEADLESS-1", "DP-1", "WL-1", "X11-1".
const OUTPUT_NAME_PATTERN = /^[\w.:-]{1,64}$/;
const MAX_NODE_ID = 2 ** 31 - 1;

function display(env: Env): string | null {
  const value = env.PUNKTFUNK_DISPLAY || env.DISPLAY || '';
  if (value === '') return null;
  if (!DISPLAY_PATTERN.test(value)) {
    throw new ConfigError(`PUNKTFUNK_DISPLAY (or DISPLAY) must look like ':0' or 'host:0.0', got '${value}'`);
  }
  return value;
}

/** "pipewire:42" -> { id: 42 }; "pipewire:gamescope" -> { name: 'gamescope' }. */
export function parsePipeWireNode(value: string): PipeWireNodeRef {
  const node = value.slice('pipewire:'.length);
  if (/^\d+$/.test(node)) {
    const id = Number(node);
    if (id > MAX_NODE_ID)
      throw new ConfigError(`PUNKTFUNK_CAPTURE=pipewire:NODE: node id ${node} is too big`);
    return { id };
  }
  if (!NODE_NAME_PATTERN.test(node)) {
    throw new ConfigError(
      `PUNKTFUNK_CAPTURE=pipewire:NODE needs a node id or node.name (letters, digits, . _ - : @ +), got '${value}'`,
    );
  }
  return { name: node };
}

function captureChoice(env: Env): Pick<DesktopConfig, 'capture' | 'pipewireNode'> {
  const value = env.PUNKTFUNK_CAPTURE ?? 'auto';
  if (value.startsWith('pipewire:')) return { capture: 'pipewire', pipewireNode: parsePipeWireNode(value) };
  if (value === 'pipewire') {
    throw new ConfigError("PUNKTFUNK_CAPTURE=pipewire needs the node: 'pipewire:42' or 'pipewire:NAME'");
  }
  // pipewire:NODE was taken above; the message lists it as it is written.
  const shown = ['auto', 'x11', 'synthetic', 'portal', 'mutter', 'pipewire:NODE', 'wlr'] as const;
  return {
    capture: pick(env, 'PUNKTFUNK_CAPTURE', shown, 'auto') as Exclude<CaptureSourceChoice, 'pipewire'>,
  };
}

function mutterMonitor(env: Env): string | undefined {
  const value = env.PUNKTFUNK_MUTTER_MONITOR || undefined;
  if (value !== undefined && !CONNECTOR_PATTERN.test(value)) {
    throw new ConfigError(
      `PUNKTFUNK_MUTTER_MONITOR must be a connector name like 'Meta-0' or 'DP-1', got '${value}'`,
    );
  }
  return value;
}

function wlrOutput(env: Env): string | undefined {
  const value = env.PUNKTFUNK_WLR_OUTPUT || undefined;
  if (value !== undefined && !OUTPUT_NAME_PATTERN.test(value)) {
    throw new ConfigError(
      `PUNKTFUNK_WLR_OUTPUT must be an output name like 'HEADLESS-1' or 'DP-1', got '${value}'`,
    );
  }
  return value;
}

function portalInput(env: Env): DesktopConfig['portalInput'] {
  if (!env.PUNKTFUNK_PORTAL_INPUT) return undefined;
  return pick(env, 'PUNKTFUNK_PORTAL_INPUT', ['remote-desktop', 'off'] as const, 'remote-desktop');
}

/** The Wayland desktop session around the host: read here once, passed on as config. */
function waylandSession(
  env: Env,
): Pick<DesktopConfig, 'waylandDisplay' | 'runtimeDir' | 'sessionBusAddress'> {
  return {
    waylandDisplay: env.WAYLAND_DISPLAY || undefined,
    runtimeDir: env.XDG_RUNTIME_DIR || undefined,
    sessionBusAddress: env.DBUS_SESSION_BUS_ADDRESS || undefined,
  };
}

export function loadDesktopConfig(env: Env): DesktopConfig {
  const config: DesktopConfig = {
    ...captureChoice(env),
    display: display(env),
    mutterMonitor: mutterMonitor(env),
    wlrOutput: wlrOutput(env),
    portalInput: portalInput(env),
    ...waylandSession(env),
    ...loadDisplayModeConfig(env),
  };
  if (config.capture === 'x11' && config.display === null) {
    throw new ConfigError('PUNKTFUNK_CAPTURE=x11 needs an X display: set PUNKTFUNK_DISPLAY or DISPLAY');
  }
  if ((config.capture === 'mutter' || config.capture === 'portal') && !config.sessionBusAddress) {
    throw new ConfigError(
      `PUNKTFUNK_CAPTURE=${config.capture} needs the desktop's session D-Bus: DBUS_SESSION_BUS_ADDRESS is not set`,
    );
  }
  checkWlr(config);
  return config;
}

/** wlr talks to the compositor's socket: WAYLAND_DISPLAY, and XDG_RUNTIME_DIR when it is a name. */
function checkWlr(config: DesktopConfig): void {
  if (config.capture !== 'wlr') return;
  if (!config.waylandDisplay) {
    throw new ConfigError("PUNKTFUNK_CAPTURE=wlr needs the compositor's socket: WAYLAND_DISPLAY is not set");
  }
  if (!config.waylandDisplay.startsWith('/') && !config.runtimeDir?.startsWith('/')) {
    throw new ConfigError(
      `PUNKTFUNK_CAPTURE=wlr: WAYLAND_DISPLAY=${config.waylandDisplay} is a name, so XDG_RUNTIME_DIR must be an absolute path`,
    );
  }
}
