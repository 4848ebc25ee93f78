// The apps a paired Moonlight client can launch, or why there are none.
import { For, Show } from 'solid-js';
import { createGameStreamApps, settled } from '../../data/resources.js';
import { useHost } from '../../providers/host.js';
import { Card, errorText, Notice } from '../../ui/controls.js';

export function AppsCard() {
  const host = useHost();
  const { apps } = createGameStreamApps(host);
  const body = () => settled(apps);
  return (
    <Card title="Apps" testId="apps-card" subtitle="What a paired Moonlight client can launch.">
      <Show when={apps.error && !body()}>
        <Notice kind="error">Could not load the apps: {errorText(apps.error)}</Notice>
      </Show>
      <Show when={body()?.enabled === false}>
        <Notice kind="warn">
          GameStream is switched off on this host (<code>PUNKTFUNK_GAMESTREAM=0</code>): Moonlight cannot find
          or pair with it. punktfunk/1 clients still can.
        </Notice>
      </Show>
      <Show when={body()?.enabled}>
        <Show when={body()?.apps.length} fallback={<div class="empty">No apps are configured.</div>}>
          <ul class="apps" data-testid="apps-list">
            <For each={body()?.apps ?? []}>
              {(app) => (
                <li class="app" data-testid="app">
                  <span class="app-icon">{app.title.slice(0, 1).toUpperCase()}</span>
                  <span class="app-title">{app.title}</span>
                  <span class="muted small">id {app.id}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <p class="footnote">
          The list is <code>apps.json</code> in the host's config directory; the host reads it at start.
        </p>
      </Show>
    </Card>
  );
}
