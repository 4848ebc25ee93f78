#!/usr/bin/env node
// `pnpm replay -- <trace.jsonl> [--real-clock] [--json]`: replays a trace
// through the real send path and prints the capture that comes out.
import { parseArgs } from 'node:util';
import { monotonicUs } from '@punktfunk/native';
import { replayTrace } from '../streaming/core/replay.js';
import { readTrace, TraceError } from '../streaming/core/trace.js';

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
  const result = replayTrace(trace, { virtualClock: !values['real-clock'], monotonicUs });
  if (values.json) {
    console.log(
      JSON.stringify({
        trace: path,
        header: trace.header,
        frames: result.frames,
        receiver: result.receiver,
        samples: result.samples,
      }),
    );
  } else {
    console.log(
      `${path}: ${result.frames} frames replayed (${values['real-clock'] ? 'real' : 'virtual'} clock), ${result.framesReceived} received`,
    );
    console.log(table(result.samples));
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`replay: ${error instanceof TraceError ? '' : 'failed: '}${(error as Error).message}`);
  process.exitCode = 1;
}
