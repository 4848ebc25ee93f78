// How /status and a capture's session list describe the display a session
// streams: what a virtual display says of itself, else the opened desktop's
// backend, size and description.
import type { SessionDisplayInfo } from '@punktfunk/shared';
import type { OpenedDesktop } from './desktop-source.js';

export function sessionDisplayInfo(desktop: OpenedDesktop): SessionDisplayInfo {
  if (desktop.displayInfo) return desktop.displayInfo;
  return {
    mode: 'desktop',
    backend: desktop.backend,
    width: desktop.size?.width ?? null,
    height: desktop.size?.height ?? null,
    description: desktop.description,
  };
}
