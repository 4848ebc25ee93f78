// The host under load: machine, host-process and streaming-worker CPU and the
// run queue, on the page's shared time axis.
import type { HostTelemetrySample, StatsSample } from '@punktfunk/shared';
import { Show } from 'solid-js';
import type { AxisRange } from '../../charts/axes.js';
import { telemetryConfig } from '../../charts/telemetry.js';
import { measured, type TimelineRow } from '../../data/series.js';
import { LineChart } from '../../ui/chart.js';
import { Card } from '../../ui/controls.js';

export function TelemetryCard(props: {
  telemetry: readonly HostTelemetrySample[];
  samples: readonly StatsSample[];
  rows: readonly TimelineRow[];
  range: AxisRange;
}) {
  const any = () => props.telemetry.length > 0 || measured(props.samples, (s) => s.workerCpuPct);
  return (
    <Card title="Host load" testId="telemetry-card" subtitle="CPU in % of one core, and tasks waiting to run">
      <Show
        when={any()}
        fallback={
          <div class="empty" data-testid="telemetry-none">
            Not measured: this recording holds no host telemetry.
          </div>
        }
      >
        <LineChart
          label="host load"
          testId="chart-telemetry"
          config={() =>
            telemetryConfig({
              telemetry: props.telemetry,
              samples: props.samples,
              rows: props.rows,
              range: props.range,
            })
          }
        />
      </Show>
    </Card>
  );
}
