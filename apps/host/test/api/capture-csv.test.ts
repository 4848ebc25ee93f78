import { workerStatsSample } from '@punktfunk/test-support';
import { describe, expect, it } from 'vitest';
import { captureToCsv } from '../../src/api/capture-csv.js';

describe('CSV export', () => {
  it('quotes text that needs it and defuses spreadsheet formulas', () => {
    const { endMonoUs, ...rest } = workerStatsSample(0, { sessionId: '=HYPERLINK("x")' });
    const csv = captureToCsv({
      meta: {} as never,
      samples: [{ tMs: endMonoUs, ...rest }],
      events: [],
      telemetry: [],
    });
    const row = csv.split('\r\n')[1] ?? '';
    expect(row.startsWith(`0,"'=HYPERLINK(""x"")",native,`)).toBe(true);
  });

  it('writes a header alone for a capture without samples', () => {
    const csv = captureToCsv({ meta: {} as never, samples: [], events: [], telemetry: [] });
    expect(csv.split('\r\n')).toHaveLength(2);
    expect(csv).not.toContain('capture_p50_us');
  });
});
