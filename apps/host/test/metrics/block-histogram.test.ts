// The block histogram against prom-client's own Histogram as the reference:
// the same observations (values on bucket bounds among them) render the
// same exposition lines.
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BlockHistogram } from '../../src/metrics/block-histogram.js';
import { LATENCY_BUCKETS_SECONDS } from '../../src/metrics/names.js';

describe('BlockHistogram', () => {
  it('renders what prom-client renders for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const block = new BlockHistogram('x_seconds', 'help', LATENCY_BUCKETS_SECONDS, ours);
    const reference = new Histogram({
      name: 'x_seconds',
      help: 'help',
      labelNames: ['path', 'stage'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [theirs],
    });
    const values = [0, 0.0005, 0.001, 0.0010001, 0.004167, 0.016667, 0.02, 0.25, 0.3, 7];
    for (const [i, v] of values.entries()) {
      const labels = { path: i % 2 ? 'native' : 'gamestream', stage: 'encode' };
      block.labels(labels).observe(v);
      reference.labels(labels).observe(v);
    }
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .sort();
    expect(lines(await ours.metrics())).toEqual(lines(await theirs.metrics()));
  });
});
