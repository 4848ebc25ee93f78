// gs-client's own decisions, without a host: options, the app choice, the
// latency figures and the report text.
import { describe, expect, it } from 'vitest';
import { ArgsError, parseGsClientArgs } from '../src/cli/args.js';
import { chooseApp } from '../src/cli/run.js';
import { formatReport, percentile, type StreamReport } from '../src/cli/stream-report.js';

describe('gs-client options', () => {
  it('has Moonlight-like defaults and keeps its identity under PUNKTFUNK_GS_CLIENT_DIR', () => {
    const args = parseGsClientArgs(['--', '--host', '10.0.0.2'], { PUNKTFUNK_GS_CLIENT_DIR: '/tmp/gs' });
    expect(args).toMatchObject({
      host: '10.0.0.2',
      port: 47989,
      seconds: 10,
      width: 1280,
      height: 720,
      fps: 60,
      codec: 'h264',
      bitrateKbps: 10_000,
      list: false,
      quit: false,
      pair: false,
      app: null,
      clientDir: '/tmp/gs',
    });
  });

  it('refuses what it cannot do, naming the option', () => {
    // AV1 decodes now (dav1d); a codec Moonlight does not speak is still refused.
    expect(() => parseGsClientArgs(['--codec', 'vp9'])).toThrow(ArgsError);
    expect(parseGsClientArgs(['--codec', 'av1']).codec).toBe('av1');
    expect(() => parseGsClientArgs(['--port', '70000'])).toThrow(/--port must be a number in 1..65535/);
    expect(() => parseGsClientArgs(['--drop-rate', '1'])).toThrow(/--drop-rate/);
    expect(() => parseGsClientArgs(['--nonsense'])).toThrow();
  });
});

describe('app choice', () => {
  const apps = [
    { id: 1, title: 'Desktop' },
    { id: 7, title: 'Gears' },
  ];
  it('takes the first app, or one by id or title', () => {
    expect(chooseApp(apps, null)).toEqual(apps[0]);
    expect(chooseApp(apps, '7')).toEqual(apps[1]);
    expect(chooseApp(apps, 'gears')).toEqual(apps[1]);
  });
  it('says what the host offers when the app is not there', () => {
    expect(() => chooseApp(apps, 'Nope')).toThrow(/offered: 1 "Desktop", 7 "Gears"/);
    expect(() => chooseApp([], null)).toThrow(/offered: none/);
  });
});

describe('report', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNull();
  });

  it('prints frames, decoded frames, loss, audio and the host latency', () => {
    const report: StreamReport = {
      host: '127.0.0.1',
      app: { id: 1, title: 'Desktop' },
      mode: { width: 1280, height: 720, fps: 60, codec: 'h264', bitrateKbps: 10_000 },
      seconds: 5,
      video: {
        framesReceived: 300,
        framesDecoded: 298,
        decodeErrors: 0,
        framesLost: 2,
        framesDropped: 1,
        fps: 60,
        datagrams: 4000,
        droppedOnPurpose: 200,
        recoveredPackets: 150,
        unrecoverableBlocks: 2,
        idrRequests: 2,
        mbps: 8,
      },
      hostLatencyMs: { p50: 4.2, p99: 9.9, max: 12 },
      audio: { packets: 1000, lostPackets: 0, recoveredPackets: 3, decodedSamples: 240_000 },
      roundTripMs: 1.5,
      end: { reason: 'stopped', terminationCode: null, graceful: false },
    };
    const text = formatReport(report);
    expect(text).toContain('300 frames received (60.0 fps, 8.00 Mbit/s), 298 decoded');
    expect(text).toContain('150 packets recovered by FEC, 2 blocks unrecoverable; 2 frames lost');
    expect(text).toContain('host latency (frame headers): p50 4.2 ms, p99 9.9 ms, max 12.0 ms');
    expect(text).toContain('audio: 1000 Opus packets, 0 lost, 3 recovered by FEC');
    expect(formatReport({ ...report, hostLatencyMs: null })).toContain('host latency (frame headers): n/m');
  });
});
