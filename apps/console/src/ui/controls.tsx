// Small presentational pieces shared by the pages.
import { createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';

export function Card(props: {
  title?: JSX.Element;
  subtitle?: JSX.Element;
  actions?: JSX.Element;
  children: JSX.Element;
  class?: string;
  testId?: string;
}) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testId}>
      <Show when={props.title || props.actions}>
        <header class="card-head">
          <div>
            <h2>{props.title}</h2>
            <Show when={props.subtitle}>
              <p class="card-sub">{props.subtitle}</p>
            </Show>
          </div>
          <div class="card-actions">{props.actions}</div>
        </header>
      </Show>
      {props.children}
    </section>
  );
}

export function Button(props: {
  children: JSX.Element;
  onClick?: () => unknown;
  kind?: 'primary' | 'danger' | 'ghost' | 'ghost-danger' | 'default';
  disabled?: boolean;
  title?: string;
  type?: 'button' | 'submit';
  testId?: string;
  small?: boolean;
}) {
  const [busy, setBusy] = createSignal(false);
  return (
    <button
      type={props.type ?? 'button'}
      class={`btn btn-${props.kind ?? 'default'}${props.small ? ' btn-small' : ''}`}
      disabled={props.disabled || busy()}
      title={props.title}
      data-testid={props.testId}
      onClick={async () => {
        if (!props.onClick) return;
        setBusy(true);
        try {
          await props.onClick();
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.children}
    </button>
  );
}

export function Segmented<T extends string>(props: {
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  label: string;
}) {
  return (
    <fieldset class="segmented" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          type="button"
          classList={{ active: props.value === o.value }}
          aria-pressed={props.value === o.value}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}

export function Stat(props: { label: string; value: JSX.Element; testId?: string; hint?: string }) {
  return (
    <div class="stat" title={props.hint}>
      <div class="stat-label">{props.label}</div>
      <div class="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
    </div>
  );
}

export function Notice(props: { kind?: 'error' | 'info' | 'warn'; children: JSX.Element; testId?: string }) {
  return (
    <div
      class={`notice notice-${props.kind ?? 'info'}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}

/** A modal asking to confirm a destructive action. */
export function Confirm(props: {
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  onConfirm: () => unknown;
  onCancel: () => void;
}) {
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onCancel();
  onMount(() => window.addEventListener('keydown', onKey));
  onCleanup(() => window.removeEventListener('keydown', onKey));
  return (
    <div class="modal-backdrop">
      <div class="modal" role="dialog" aria-modal="true" aria-label={props.title}>
        <h3>{props.title}</h3>
        <div class="modal-body">{props.children}</div>
        <div class="modal-actions">
          <Button onClick={props.onCancel} kind="ghost">
            Cancel
          </Button>
          <Button onClick={props.onConfirm} kind="danger" testId="confirm">
            {props.confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
