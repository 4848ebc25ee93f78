// What /api/v1/status and a recording say about a session's display: the
// opened desktop's own account when it has one (a virtual display names its
// backend and mode), else the shared desktop it captures.
import type { SessionDisplayInfo } from '@punktfunk/shared';
import type { OpenedDesktop } from './desktop-source.js';

export function sessionDisplayInfo(
  desktop: Pick<OpenedDesktop, 'displayInfo' | 'backend' | 'size' | 'description'>,
): SessionDisplayInfo {
  if (desktop.displayInfo) return desktop.displayInfo;
  return {
    mode: 'desktop',
    backend: desktop.backend,
    width: desktop.size?.width ?? null,
    height: desktop.size?.height ?? null,
    description: desktop.description,
  };
}
