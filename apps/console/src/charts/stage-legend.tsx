// The legend under a latency chart: what each stage of the stack means.
import { For, Show } from 'solid-js';
import { BUDGET, HOST_TOTAL, STAGE_INFO, stageText } from './palette.js';

export function StageLegend(props: { stages: readonly string[]; compact?: boolean; budget: boolean }) {
  return (
    <ul class={`stage-legend${props.compact ? ' compact' : ''}`}>
      <For each={props.stages}>
        {(name) => (
          <li>
            <span class="swatch" style={{ background: STAGE_INFO[name]?.color ?? '#94a3b8' }} />
            <b>{name}</b>
            <Show when={!props.compact}>
              <span class="legend-text">{stageText(name, props.stages)}</span>
            </Show>
          </li>
        )}
      </For>
      <li>
        <span class="swatch swatch-line" style={{ background: HOST_TOTAL.color }} />
        <b>host total</b>
        <Show when={!props.compact}>
          <span class="legend-text">{HOST_TOTAL.text.replace('host total: ', '')}</span>
        </Show>
      </li>
      <Show when={props.budget}>
        <li>
          <span class="swatch swatch-dashed" style={{ 'border-color': BUDGET.color }} />
          <b>one frame</b>
          <Show when={!props.compact}>
            <span class="legend-text">{BUDGET.text}</span>
          </Show>
        </li>
      </Show>
    </ul>
  );
}
