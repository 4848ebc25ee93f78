// The sway backend: a headless output per session on the sway the host runs
// in (`create_output`, then `output NAME mode --custom WxH@FPSHz`), placed by
// sway's own layout to the right of the others, captured through wlroots
// screencopy by name, input through the wlroots virtual pointer mapped onto
// that output, apps on the same Wayland socket with the output focused.
// Removal: `output NAME unplug` where sway has it (1.8+). sway 1.7 can
// neither destroy nor disable a headless output (`disable` answers success
// and changes nothing, checked here), so there it stays and is kept for the
// next session, which sets its own mode on it: the outputs never outnumber
// the most sessions that ran at once.
import type { DesktopConfig } from '../../config/index.js';
import type { OpenedDesktop } from '../desktop-source.js';
import { checkVirtualMode, modeText, type VirtualModeRequest } from './mode-limits.js';
import { type SwayIpc, SwayIpc as SwayIpcClient, type SwayOutput } from './sway-ipc.js';
import { type VirtualDisplay, type VirtualDisplayBackend, VirtualDisplayError } from './virtual-display.js';

export interface SwayBackendOptions {
  desktop: Pick<DesktopConfig, 'swaySocket' | 'waylandDisplay' | 'runtimeDir'>;
  log(line: string): void;
  /** How often a session checks its output is still there (default 1 s; sway 1.7 has no output events). */
  watchIntervalMs?: number;
}

const WATCH_INTERVAL_MS = 1_000;

/** Outputs made by create_output: HEADLESS-N. */
const HEADLESS = /^HEADLESS-\d+$/;

export function swayBackend(o: SwayBackendOptions): VirtualDisplayBackend {
  // Disabled outputs of ended sessions (sway 1.7), for the next session.
  const spare = new Set<string>();
  // One creation at a time: a new output is found by comparing the output list before and after.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    name: 'sway',
    create(request) {
      checkVirtualMode(request, 'sway');
      const made = queue.then(() => createOutput(o, request, spare));
      queue = made.catch(() => {});
      return made;
    },
  };
}

async function connectIpc(o: SwayBackendOptions): Promise<SwayIpc> {
  const { waylandDisplay, runtimeDir } = o.desktop;
  if (!waylandDisplay || (!waylandDisplay.startsWith('/') && !runtimeDir?.startsWith('/'))) {
    // The output is captured and its input injected through sway's Wayland socket.
    throw new VirtualDisplayError(
      'BACKEND_UNAVAILABLE',
      "the sway backend needs sway's Wayland socket: WAYLAND_DISPLAY (and, for a socket name, an absolute XDG_RUNTIME_DIR)",
    );
  }
  const path = o.desktop.swaySocket;
  if (!path) throw new VirtualDisplayError('BACKEND_UNAVAILABLE', 'no sway IPC socket (SWAYSOCK is not set)');
  try {
    return await SwayIpcClient.connect(path);
  } catch (error) {
    throw new VirtualDisplayError('BACKEND_UNAVAILABLE', (error as Error).message);
  }
}

/** A spare output of ours (still there), or a new one from create_output; its name. */
async function newOutput(ipc: SwayIpc, spare: Set<string>): Promise<string> {
  const before = await ipc.outputs();
  for (const name of spare) {
    spare.delete(name);
    if (before.some((out) => out.name === name)) return name;
  }
  await ipc.command('create_output');
  const after = await ipc.outputs();
  const made = after.find((out) => HEADLESS.test(out.name) && !before.some((b) => b.name === out.name));
  if (!made)
    throw new Error('create_output made no new HEADLESS output (sway runs without a headless backend?)');
  return made.name;
}

function sameMode(out: SwayOutput | undefined, request: VirtualModeRequest): boolean {
  const mode = out?.current_mode;
  return (
    out?.active === true &&
    mode?.width === request.width &&
    mode.height === request.height &&
    mode.refresh === request.fps * 1000
  );
}

async function createOutput(
  o: SwayBackendOptions,
  request: VirtualModeRequest,
  spare: Set<string>,
): Promise<VirtualDisplay> {
  const ipc = await connectIpc(o);
  let name: string;
  try {
    name = await newOutput(ipc, spare);
  } catch (error) {
    ipc.close();
    throw new VirtualDisplayError('CREATE_FAILED', `sway: ${(error as Error).message}`);
  }
  try {
    const mode = `${request.width}x${request.height}@${request.fps}Hz`;
    await ipc.command(`output ${name} enable mode --custom ${mode}`);
    const out = (await ipc.outputs()).find((candidate) => candidate.name === name);
    if (!sameMode(out, request)) {
      const got = out?.current_mode;
      const saw = got ? `${got.width}x${got.height}@${got.refresh / 1000}` : 'no mode';
      throw new VirtualDisplayError(
        'MODE_UNSUPPORTED',
        `sway cannot make a ${modeText(request)} display: ${name} came up at ${saw}`,
      );
    }
    // The app started next opens on the focused output; the one focused before gets it back at the end.
    const before = (await ipc.outputs()).find((candidate) => candidate.focused)?.name;
    await ipc.command(`focus output ${name}`);
    return swayDisplay(o, ipc, { name, focusedBefore: before === name ? undefined : before }, request, spare);
  } catch (error) {
    await removeOutput(ipc, name, spare).catch(() => {});
    ipc.close();
    if (error instanceof VirtualDisplayError) throw error;
    throw new VirtualDisplayError('CREATE_FAILED', `sway: ${(error as Error).message}`);
  }
}

/** unplug (sway 1.8+); sway 1.7 knows no unplug: the output is kept for the next session. */
async function removeOutput(ipc: SwayIpc, name: string, spare: Set<string>): Promise<void> {
  try {
    await ipc.command(`output ${name} unplug`);
  } catch {
    spare.add(name);
  }
}

/** Resolves with the reason once the output is gone or disabled by someone else, or sway's IPC closes. */
function watchOutput(
  ipc: SwayIpc,
  name: string,
  intervalMs: number,
): { gone: Promise<string>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const gone = new Promise<string>((resolve) => {
    ipc.onClose((reason) => {
      if (!stopped) resolve(`the virtual display's compositor went away (${reason})`);
    });
    const check = async () => {
      const out = (await ipc.outputs().catch(() => null))?.find((candidate) => candidate.name === name);
      if (stopped) return;
      if (out === undefined) resolve(`the sway output ${name} was removed`);
      else if (out !== null && !out.active) resolve(`the sway output ${name} was disabled`);
      else timer = setTimeout(check, intervalMs);
    };
    timer = setTimeout(check, intervalMs);
  });
  return {
    gone,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Gives the focus back to the output that had it before the session's
 * (sway 1.7 keeps the session's output: new windows would open on it, unseen).
 */
async function restoreFocus(ipc: SwayIpc, name: string, focusedBefore: string | undefined): Promise<void> {
  if (!focusedBefore) return;
  const outputs = await ipc.outputs();
  const ours = outputs.find((out) => out.name === name);
  if (
    (ours === undefined || ours.focused) &&
    outputs.some((out) => out.name === focusedBefore && out.active)
  ) {
    await ipc.command(`focus output ${focusedBefore}`);
  }
}

function swayDisplay(
  o: SwayBackendOptions,
  ipc: SwayIpc,
  output: { name: string; focusedBefore: string | undefined },
  request: VirtualModeRequest,
  spare: Set<string>,
): VirtualDisplay {
  const { name } = output;
  const display = o.desktop.waylandDisplay ?? '';
  const runtimeDir = o.desktop.runtimeDir ?? '';
  const description = `sway ${name} ${modeText(request)}`;
  o.log(`virtual display: ${description} for ${request.label}`);
  const watch = watchOutput(ipc, name, o.watchIntervalMs ?? WATCH_INTERVAL_MS);
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      watch.stop();
      await removeOutput(ipc, name, spare).catch((error: Error) => {
        o.log(`virtual display: could not remove ${description}: ${error.message}`);
      });
      await restoreFocus(ipc, name, output.focusedBefore).catch(() => {});
      ipc.close();
    })();
    return closing;
  };
  const desktop: OpenedDesktop = {
    spec: { source: 'wlr', display, runtimeDir, output: name },
    description: `${description} (screencopy)`,
    backend: 'wlr',
    size: { width: request.width, height: request.height },
    input: { kind: 'wlr', waylandDisplay: display, runtimeDir, output: name },
    closedByDesktop: watch.gone,
    close,
  };
  const appEnvironment: Record<string, string> = { WAYLAND_DISPLAY: display, XDG_RUNTIME_DIR: runtimeDir };
  if (o.desktop.swaySocket) appEnvironment.SWAYSOCK = o.desktop.swaySocket;
  return {
    backend: 'sway',
    width: request.width,
    height: request.height,
    fps: request.fps,
    desktop,
    appEnvironment,
    info: { mode: 'virtual', backend: 'sway', width: request.width, height: request.height, description },
  };
}
