// The virtual-display backends by name, and auto's choice among them:
// mutter when GNOME's screen-cast API answers on the session bus, sway when
// sway's IPC answers at SWAYSOCK, else xvfb. A backend is a factory from the
// desktop config, so adding one is one line in VIRTUAL_BACKENDS.
import type { DesktopConfig } from '../../config/index.js';
import { mutterVirtualBackend } from './mutter-virtual.js';
import { SwayIpc } from './sway-ipc.js';
import { swayBackend } from './sway-output.js';
import type { VirtualDisplayBackend, VirtualDisplayBackendName } from './virtual-display.js';
import { xvfbBackend } from './xvfb-display.js';

export interface VirtualBackendContext {
  desktop: DesktopConfig;
  log(line: string): void;
}

export type VirtualBackendFactory = (context: VirtualBackendContext) => VirtualDisplayBackend;

export const VIRTUAL_BACKENDS: Partial<Record<VirtualDisplayBackendName, VirtualBackendFactory>> = {
  xvfb: ({ desktop, log }) => xvfbBackend({ xvfbPath: desktop.xvfbPath, log }),
  sway: ({ desktop, log }) => swayBackend({ desktop, log }),
  mutter: (context) => mutterVirtualBackend(context),
};

/** Whether sway's IPC answers at `path`; the reason when not. */
export async function swayAnswers(path: string | undefined): Promise<{ answers: boolean; reason: string }> {
  if (!path) return { answers: false, reason: 'SWAYSOCK is not set' };
  try {
    const ipc = await SwayIpc.connect(path);
    try {
      await ipc.outputs();
      return { answers: true, reason: '' };
    } finally {
      ipc.close();
    }
  } catch (error) {
    return { answers: false, reason: (error as Error).message };
  }
}
