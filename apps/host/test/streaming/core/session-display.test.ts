// A session's display in /api/v1/status and in its recording: a real
// streaming worker started through the session manager with the display the
// protocol service knows (what the opened desktop says), a real recorder,
// and the real Hono app answering /status from the recorder's sessions as
// the host does.
import { randomBytes } from 'node:crypto';
import { MediaReceiver } from '@punktfunk/native';
import type { Capture, HostStatusResponse, SessionDisplayInfo } from '@punktfunk/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopConfig } from '../../../src/config/index.js';
import { openX11OrSynthetic } from '../../../src/desktop/desktop-source.js';
import { sessionDisplayInfo } from '../../../src/desktop/display-info.js';
import { createStreamingCore, type StreamingCore } from '../../../src/streaming/core/streaming-core.js';
import { type ApiHarness, apiHarness } from '../../api/helpers.js';

let h: ApiHarness;
let core: StreamingCore;
const receivers: MediaReceiver[] = [];
afterEach(async () => {
  await core.close();
  for (const r of receivers.splice(0)) r.close();
  await h.cleanup();
});

async function setUp(): Promise<void> {
  h = await apiHarness({
    // As main.ts does: the sessions /status lists are the recorder's.
    statusProvider: () => ({ ...h.streaming, sessions: h.recorder.sessions() }),
  });
  core = createStreamingCore({ recorder: h.recorder, perf: false, log: () => {} });
}

function start(display: SessionDisplayInfo | null | undefined) {
  const key = randomBytes(32);
  const salt = randomBytes(4);
  const receiver = new MediaReceiver({ localPort: 0, key, salt });
  receivers.push(receiver);
  return core.sessions.start({
    kind: 'native',
    client: 'display-test',
    windowMs: 500,
    source: {
      kind: 'engine',
      codec: 'h264',
      backend: 'software',
      width: 320,
      height: 180,
      fps: 30,
      bitrateKbps: 500,
    },
    send: {
      remoteHost: '127.0.0.1',
      remotePort: receiver.localPort,
      key,
      salt,
      shardBytes: 1200,
      fecPercent: 20,
    },
    ...(display === undefined ? {} : { display }),
  });
}

const status = async () => (await (await h.call('/status')).json()) as HostStatusResponse;

describe('a session display in /status and the recording', () => {
  it('the synthetic desktop: mode desktop, its backend and description, size not known', async () => {
    const desktop = openX11OrSynthetic({ capture: 'synthetic', display: null } as DesktopConfig);
    const display = sessionDisplayInfo(desktop);
    expect(display).toEqual({
      mode: 'desktop',
      backend: 'synthetic',
      width: null,
      height: null,
      description: 'synthetic (PUNKTFUNK_CAPTURE=synthetic)',
    });
    await setUp();
    h.recorder.start();
    const session = start(display);
    await session.started;
    const [listed] = (await status()).sessions;
    expect(listed).toMatchObject({ sessionId: session.sessionId, width: 320, height: 180, display });
    await session.stop();
    // Saved with the capture and served back through the capture schema (which would drop an unknown key).
    const meta = await h.recorder.stop();
    const saved = (await (await h.call(`/stats/recordings/${meta!.id}`)).json()) as Capture;
    expect(saved.meta.sessions[0]!.display).toEqual(display);
  });

  it('a desktop that describes its own display (a virtual one) is listed as it says', async () => {
    const own: SessionDisplayInfo = {
      mode: 'virtual',
      backend: 'xvfb',
      width: 1280,
      height: 800,
      description: 'Xvfb :101 1280x800@90',
    };
    const desktop = { ...openX11OrSynthetic({ capture: 'synthetic', display: null } as DesktopConfig) };
    expect(sessionDisplayInfo({ ...desktop, displayInfo: own })).toBe(own);
    expect(sessionDisplayInfo({ ...desktop, backend: 'x11', size: { width: 1920, height: 1080 } })).toEqual({
      mode: 'desktop',
      backend: 'x11',
      width: 1920,
      height: 1080,
      description: desktop.description,
    });
    await setUp();
    const session = start(own);
    await session.started;
    expect((await status()).sessions[0]!.display).toEqual(own);
  });

  it('a session started without a display says null (not known), never a made-up desktop', async () => {
    await setUp();
    const session = start(undefined);
    await session.started;
    const [listed] = (await status()).sessions;
    expect(listed!.sessionId).toBe(session.sessionId);
    expect(listed!.display).toBeNull();
  });
});
