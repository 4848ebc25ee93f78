// What a session asks of its display, from the host default
// (PUNKTFUNK_DISPLAY_MODE), an app's own `display` in apps.json (which wins)
// and the stream's mode: both protocol services build their request here.
import type { DisplayMode } from '../../config/index.js';
import { DESKTOP_DISPLAY, type SessionDisplayRequest } from './virtual-display.js';

export function sessionDisplayRequest(o: {
  hostDefault: DisplayMode;
  /** apps.json `display` of the app being launched; unset: the host default. */
  app?: DisplayMode | undefined;
  stream: { width: number; height: number; fps: number };
  /** Names the session in logs ("native session 3f2a…", "GameStream client 1a2b…"). */
  label: string;
}): SessionDisplayRequest {
  if ((o.app ?? o.hostDefault) === 'desktop') return DESKTOP_DISPLAY;
  return {
    mode: 'virtual',
    width: o.stream.width,
    height: o.stream.height,
    fps: o.stream.fps,
    label: o.label,
  };
}
