// One slot's lanes (session-slots.ts): its RTSP server, its control stream
// socket and its streamer, on the slot's ports. Everything opened is closed
// again when a later piece fails, and by the returned close().
import type { AnnouncedStream } from '@punktfunk/protocol';
import type { OpenedDesktop } from '../desktop/desktop-source.js';
import type { SessionDisplayRequest } from '../desktop/virtual/virtual-display.js';
import { openAll } from '../lifecycle/closers.js';
import type { GameStreamApp } from './apps.js';
import type { CodecFallbacks } from './codec-fallback.js';
import { GameStreamControlServer } from './control-stream.js';
import { startLaunchApp } from './launch-app.js';
import { clientLabel, type GameStreamContext } from './requests.js';
import { startGameStreamRtsp } from './rtsp-server.js';
import type { GameStreamServiceOptions } from './service.js';
import { type SlotLanes, slotPorts } from './session-slots.js';
import type { GameStreamSession, GameStreamSessions } from './sessions.js';
import { checkAnnouncedStream, GAMESTREAM_WINDOW_MS, type GameStreamServiceSpec } from './spec.js';
import { GameStreamStreamer } from './streamer.js';

export interface SlotLaneDeps {
  o: GameStreamServiceOptions;
  ctx: GameStreamContext;
  spec: GameStreamServiceSpec & { codecFallbacks: CodecFallbacks };
  sessions: GameStreamSessions;
  displayModeOf(app: GameStreamApp): 'desktop' | 'virtual';
}

/** What a stream of this launch shows: the desktop, or the launch's own display at the ANNOUNCEd mode. */
function displayRequestFor(
  d: SlotLaneDeps,
  session: GameStreamSession,
  announced: AnnouncedStream,
): SessionDisplayRequest {
  const app = d.ctx.apps.find(session.appId);
  if (!app || d.displayModeOf(app) === 'desktop') return { mode: 'desktop' };
  const { width, height, fps } = announced;
  return { mode: 'virtual', width, height, fps, label: session.clientLabel };
}

/** The launch's virtual display is open: its app starts on it, with the display's environment over the host's. */
async function startAppOnDisplay(
  d: SlotLaneDeps,
  session: GameStreamSession,
  desktop: OpenedDesktop,
): Promise<void> {
  const app = d.ctx.apps.find(session.appId);
  if (app) await startLaunchApp(d.ctx, app, session, desktop.appEnvironment);
}

export async function openSlotLanes(d: SlotLaneDeps, slot: number): Promise<SlotLanes> {
  const { o, ctx, spec } = d;
  const ports = slotPorts(slot, o.config);
  const view = d.sessions.slot(slot);
  const { value, closers } = await openAll(
    async (closers) => {
      let streamer: GameStreamStreamer | null = null;
      const rtsp = await startGameStreamRtsp({
        port: ports.rtsp,
        bind: o.config.bind,
        sessions: view,
        streamPorts: { video: ports.video, control: ports.control, audio: ports.audio },
        sdp: spec.sdp,
        guard: o.guard,
        // Against what the other sessions stream: this slot's running stream is being replaced by this handshake.
        checkStream: (stream) =>
          checkAnnouncedStream(stream, {
            fecPercent: o.config.fecPercent,
            caps: o.streamCaps,
            runningPixelRate: streamer?.otherPixelRate() ?? o.manager.runningPixelRate(),
          }),
        openStreamPort: (kind, session) =>
          streamer ? streamer.openStreamPort(kind, session) : Promise.resolve(),
        codecFallbacks: spec.codecFallbacks,
        log: o.log,
      });
      closers.push(() => rtsp.close());
      const control = await GameStreamControlServer.listen(o.config.bind, ports.control, o.log);
      closers.push(() => control.close());
      const live = new GameStreamStreamer({
        codecFallbacks: spec.codecFallbacks,
        sessions: view,
        manager: o.manager,
        control,
        engine: o.engine,
        streamCaps: o.streamCaps,
        desktops: o.desktops,
        displayRequestFor: (session, announced) => displayRequestFor(d, session, announced),
        onDisplayOpened: (session, desktop) => startAppOnDisplay(d, session, desktop),
        bind: o.config.bind,
        ports: { video: ports.video, audio: ports.audio },
        fecPercent: o.config.fecPercent,
        windowMs: GAMESTREAM_WINDOW_MS,
        clientTimeoutMs: o.config.clientTimeoutMs,
        describeClient: (fingerprint) => clientLabel(ctx, fingerprint),
        codecModeSupport: spec.codecModeSupport,
        log: o.log,
      });
      streamer = live;
      closers.push(() => live.close());
      return { slot, rtspPort: rtsp.port, streamer: live };
    },
    (error) =>
      o.log(`GameStream: closing session slot ${slot} after a failed start: ${(error as Error).message}`),
  );
  if (slot > 0) {
    o.log(
      `GameStream: session slot ${slot} open: RTSP on ${o.config.bind}:${value.rtspPort}, ` +
        `streams on ${ports.video}-${ports.audio}/udp`,
    );
  }
  return {
    ...value,
    close: async () => {
      await closers.close();
      if (slot > 0) o.log(`GameStream: session slot ${slot} closed`);
    },
  };
}
