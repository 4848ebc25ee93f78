// GameStreamAudioSender's PulseAudio source against a real, private
// PulseAudio server: a null sink plays a 1 kHz tone (pacat), the sender
// captures the sink's monitor, and the decoded packets carry that tone.
// Without a reachable server, 'auto' falls back to the tone with the reason
// and 'pulse' refuses with AUDIO_SOURCE_UNAVAILABLE.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GameStreamAudioSender, OpusDecoder } from '../src/index.js';
import { UdpCollector } from './gamestream-receiver.js';
import { errorOf } from './support/native-error.js';
import {
  goertzelPower,
  havePipeWirePulse,
  havePulse,
  type PrivatePulse,
  startPipeWirePulse,
  startPrivatePulse,
} from './support/pulse.js';

const RTP_HEADER_BYTES = 12;
const TONE_HZ = 1000;

const open: { close(): void }[] = [];
const savedPulseServer = process.env.PULSE_SERVER;

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

afterAll(() => {
  if (savedPulseServer === undefined) delete process.env.PULSE_SERVER;
  else process.env.PULSE_SERVER = savedPulseServer;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The same capture path serves both: a PulseAudio desktop, and a PipeWire
// desktop through PipeWire's PulseAudio interface (what GNOME, KDE and
// SteamOS run now).
const servers = [
  { name: 'a private PulseAudio server', installed: havePulse(), start: startPrivatePulse },
  {
    name: "PipeWire's PulseAudio interface (pipewire-pulse)",
    installed: havePipeWirePulse(),
    start: startPipeWirePulse,
  },
];
for (const server of servers.filter((s) => !s.installed)) {
  console.warn(
    `skipping the capture test with ${server.name}: not installed (Debian: pulseaudio, pipewire-pulse)`,
  );
}

describe.each(servers.filter((s) => s.installed))(
  'GameStreamAudioSender source pulse, with $name',
  (server) => {
    let pulse: PrivatePulse | null = null;

    beforeAll(async () => {
      pulse = await server.start();
      process.env.PULSE_SERVER = pulse.server;
    });

    afterAll(async () => {
      await pulse?.stop();
    });

    it('captures the default sink monitor: the decoded packets carry the 1 kHz tone being played', async () => {
      const rx = await UdpCollector.open();
      open.push(rx);
      const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, source: 'pulse' });
      open.push(tx);
      expect(tx.audioSource).toBe('pulse');
      expect(tx.fallbackReason).toBeNull();
      pulse?.play(TONE_HZ, 20);
      // Paced roughly as a stream: 20 packets (100 ms) every 100 ms. The sink
      // takes a moment to start rendering at the new latency: wait until the
      // capture keeps up, then keep 1 s.
      for (let i = 0; i < 50 && tx.sendAudio(20).underruns > 0; i++) await sleep(100);
      await sleep(50);
      rx.datagrams.splice(0);
      let packets = 0;
      let underruns = 0;
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        const report = tx.sendAudio(20);
        packets += report.packets;
        underruns += report.underruns;
      }
      expect(packets).toBe(200);
      expect(underruns).toBeLessThan(packets / 4);
      const datagrams = await rx.waitFor(packets + (packets / 4) * 2);
      const decoder = new OpusDecoder({ channels: 2 });
      open.push(decoder);
      const left: number[] = [];
      for (const d of datagrams.filter((d) => d[1] === 97)) {
        const pcm = decoder.decode(d.subarray(RTP_HEADER_BYTES));
        for (let i = 0; i < pcm.length; i += 2) left.push(pcm[i]!);
      }
      const tone = goertzelPower(left, TONE_HZ);
      for (const other of [440, 700, 1500, 3000])
        expect(tone).toBeGreaterThan(50 * goertzelPower(left, other));
      const start = Date.now();
      tx.close();
      expect(Date.now() - start).toBeLessThan(1000); // the reader thread stops within a chunk
    });

    it('sendAudio never waits for the capture: a burst beyond the ring is silence, counted as underruns', async () => {
      const rx = await UdpCollector.open();
      open.push(rx);
      const tx = new GameStreamAudioSender({ remoteHost: '127.0.0.1', remotePort: rx.port, source: 'auto' });
      open.push(tx);
      expect(tx.audioSource).toBe('pulse');
      const start = Date.now();
      const report = tx.sendAudio(400); // 2 s of audio asked for at once, the ring holds 200 ms
      expect(Date.now() - start).toBeLessThan(1000);
      expect(report.packets).toBe(400);
      expect(report.underruns).toBeGreaterThan(300);
    });
  },
);

describe('GameStreamAudioSender without a PulseAudio server', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pf-nopulse-'));
    process.env.PULSE_SERVER = `unix:${join(dir, 'nobody-listens')}`;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("'auto' falls back to the tone and says why", () => {
    const tx = new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1', source: 'auto' });
    open.push(tx);
    expect(tx.audioSource).toBe('tone');
    expect(tx.fallbackReason).toMatch(/^PulseAudio: ./);
    expect(tx.sendAudio(4)).toMatchObject({ packets: 4, underruns: 0 });
  });

  it("'pulse' throws AUDIO_SOURCE_UNAVAILABLE naming PulseAudio's error", () => {
    const e = errorOf(
      () => new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1', source: 'pulse' }),
    );
    expect(e.code).toBe('AUDIO_SOURCE_UNAVAILABLE');
    expect(e.message).toMatch(/PulseAudio: ./);
  });

  it('the default source is still the tone, and a bad source is INVALID_ARGUMENT', () => {
    const tx = new GameStreamAudioSender({ remotePort: 9, remoteHost: '127.0.0.1' });
    open.push(tx);
    expect(tx.audioSource).toBe('tone');
    expect(tx.fallbackReason).toBeNull();
    const bad = { remotePort: 9, remoteHost: '127.0.0.1', source: 'alsa' } as never;
    expect(errorOf(() => new GameStreamAudioSender(bad)).code).toBe('INVALID_ARGUMENT');
  });
});
