// Opens a session's own display (display mode 'virtual'): picks the backend
// (PUNKTFUNK_VIRTUAL_BACKEND, or auto's choice, decided at each session start
// so a desktop that comes up after the host is found), creates the display at
// the session's exact mode and hands it over as an OpenedDesktop whose
// close() removes it. Owned by the DesktopOpener.
import type { DesktopConfig } from '../../config/index.js';
import type { OpenedDesktop } from '../desktop-source.js';
import { swayAnswers, VIRTUAL_BACKENDS } from './backends.js';
import type { VirtualModeRequest } from './mode-limits.js';
import {
  type VirtualDisplayBackend,
  type VirtualDisplayBackendName,
  VirtualDisplayError,
} from './virtual-display.js';

export class VirtualDisplays {
  private readonly made = new Map<VirtualDisplayBackendName, VirtualDisplayBackend>();

  constructor(
    private readonly desktop: DesktopConfig,
    private readonly log: (line: string) => void,
    /** Whether GNOME's screen-cast API answers (desktop-opener.ts's probe, passed in: no import cycle). */
    private readonly mutterAnswers: (
      address: string | undefined,
    ) => Promise<{ answers: boolean; reason: string }>,
  ) {}

  /** The display for one session; throws a VirtualDisplayError with the reason. */
  async open(request: VirtualModeRequest): Promise<OpenedDesktop> {
    const backend = this.backend(await this.choose());
    const display = await backend.create(request);
    return { ...display.desktop, appEnvironment: display.appEnvironment, displayInfo: display.info };
  }

  /** For the start-up log. */
  preview(): string {
    const choice = this.desktop.virtualBackend;
    return `a virtual display per session (${choice === 'auto' ? 'mutter, sway or xvfb, decided per session' : choice})`;
  }

  private async choose(): Promise<VirtualDisplayBackendName> {
    const configured = this.desktop.virtualBackend;
    if (configured !== 'auto') return configured;
    const mutter = VIRTUAL_BACKENDS.mutter
      ? await this.mutterAnswers(this.desktop.sessionBusAddress)
      : { answers: false, reason: 'this host has no mutter backend' };
    if (mutter.answers) {
      this.log("virtual display: auto picked mutter (GNOME's screen-cast API answers)");
      return 'mutter';
    }
    const sway = await swayAnswers(this.desktop.swaySocket);
    const why = `GNOME's screen-cast API does not answer (${mutter.reason})`;
    if (sway.answers) {
      this.log(
        `virtual display: auto picked sway (${why}, sway's IPC answers at ${this.desktop.swaySocket})`,
      );
      return 'sway';
    }
    this.log(`virtual display: auto picked xvfb (${why}, no sway IPC (${sway.reason}))`);
    return 'xvfb';
  }

  private backend(name: VirtualDisplayBackendName): VirtualDisplayBackend {
    const known = this.made.get(name);
    if (known) return known;
    const factory = VIRTUAL_BACKENDS[name];
    if (!factory) {
      throw new VirtualDisplayError(
        'BACKEND_UNAVAILABLE',
        `this host has no ${name} virtual display backend`,
      );
    }
    const backend = factory({ desktop: this.desktop, log: this.log });
    this.made.set(name, backend);
    return backend;
  }
}
