#!/usr/bin/env node
// `pnpm replay -- <trace.jsonl> [--real-clock] [--json]`: replays a trace
// through the real send path and prints the capture that comes out, and the
// stutter episodes its frame timeline shows (as the recording page lists them).
import { parseArgs } from 'node:util';
import { monotonicUs } from '@punktfunk/native';
import {
  analyzeFrames,
  decodeFrameColumns,
  MAX_CAPTURE_FRAMES,
  type StutterEpisode,
} from '@punktfunk/shared';
import { FrameTimeline } from '../recorder/frame-timeline.js';
import { replayTrace } from '../streaming/core/replay.js';
import { readTrace, type Trace, TraceError } from '../streaming/core/trace.js';

/** The replay's stutter episodes, as the recording page lists them. */
function stutters(trace: Trace, timeline: FrameTimeline | null): StutterEpisode[] {
  if (!timeline) return [];
  const session = { sessionId: 'replay', fps: trace.header.fps, kind: 'native' as const };
  return analyzeFrames(decodeFrameColumns(timeline.view()), [session]).episodes;
}

function stutterLines(episodes: StutterEpisode[]): string {
  if (episodes.length === 0) return 'stutters: none (no frame over two frame times, no gap that long)';
  const lines = episodes.map(
    (e) =>
      `  t=${(e.startUs / 1e6).toFixed(3)}s frame ${e.worstFrameIndex}: ${(e.worstFrameTimeUs / 1000).toFixed(2)} ms` +
      `${e.dominantStage ? ` (mostly ${e.dominantStage})` : ''}${e.keyframe ? ', at a keyframe' : ''}`,
  );
  return [`stutters: ${episodes.length} episode(s)`, ...lines].join('\n');
}

function table(samples: ReturnType<typeof replayTrace>['samples']): string {
  const ms = (us: number | null) => (us === null ? 'n/m' : (us / 1000).toFixed(2));
  const rows = samples.map((s) => {
    const stages = s.stages.map((st) => `${st.name} ${ms(st.p50Us)}/${ms(st.p99Us)}`).join('  ');
    return `t=${(s.tMs / 1000).toFixed(1)}s  ${s.measuredFrames} frames  fps ${s.fps}  ${stages}  host ${ms(s.hostP50Us)}/${ms(s.hostP99Us)} ms  wire ${s.wireMbps} Mb/s  dropped ${s.framesDropped}  lost ${s.packetsLost ?? 'n/m'}  fec ${s.fecRecovered ?? 'n/m'}`;
  });
  return rows.join('\n');
}

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { 'real-clock': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const path = positionals[0];
  if (!path) {
    console.error('usage: pnpm replay -- <trace.jsonl> [--real-clock] [--json]');
    return 2;
  }
  const trace = readTrace(path);
  // The recorder's own timeline: records gathered as a capture armed with the replay would keep them.
  let timeline: FrameTimeline | null = null;
  const result = replayTrace(trace, {
    virtualClock: !values['real-clock'],
    monotonicUs,
    onArmedChange: (armed, nowUs) => {
      if (armed) timeline = new FrameTimeline(nowUs, MAX_CAPTURE_FRAMES);
    },
    onFrames: (records, count) => timeline?.append(records, count, 0),
  });
  const episodes = stutters(trace, timeline);
  if (values.json) {
    console.log(
      JSON.stringify({
        trace: path,
        header: trace.header,
        frames: result.frames,
        receiver: result.receiver,
        samples: result.samples,
        stutters: episodes.map(({ events: _events, ...episode }) => episode),
      }),
    );
  } else {
    console.log(
      `${path}: ${result.frames} frames replayed (${values['real-clock'] ? 'real' : 'virtual'} clock), ${result.framesReceived} received`,
    );
    console.log(table(result.samples));
    console.log(stutterLines(episodes));
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`replay: ${error instanceof TraceError ? '' : 'failed: '}${(error as Error).message}`);
  process.exitCode = 1;
}
