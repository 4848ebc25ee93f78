// The files in deploy/ are loadable without a host: the Grafana dashboard is
// well-formed (every panel has a datasource and queries, the variables its
// queries use are defined, every query parses as PromQL and names metrics the
// host exports), and promtool accepts the example Prometheus config.
// Grafana itself is not in Debian, so the dashboard is checked against what
// Grafana reads, and its queries run against a real Prometheus in
// test/e2e/fleet-prometheus.e2e.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_FILE,
  dashboardQueries,
  dataPanels,
  loadDashboard,
  PROMETHEUS_CONFIG_FILE,
  substitute,
  unsubstituted,
} from './dashboard-queries.js';
import { runPromtool } from './prometheus-server.js';

const FLEET_DOC = fileURLToPath(new URL('../../../../docs/fleet.md', import.meta.url));
const GRAFANA_BUILTINS = ['__rate_interval', '__interval', '__range'];
const SAMPLE_VALUES = {
  instance: 'host-a:47991|host-b:47991',
  rateInterval: '20s',
  interval: '5s',
  range: '1h',
};

describe('deploy/grafana/punktfunk.json', () => {
  const dashboard = loadDashboard();

  it('is a dashboard Grafana can import: JSON, schema version, uid, unique panel ids, grid positions', () => {
    expect(() => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'))).not.toThrow();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    const all = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const panel of all) expect(panel, panel.title).toHaveProperty('gridPos');
  });

  it('defines the datasource and a multi-select instance variable from punktfunk_host_info', () => {
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const instance = variables.get('instance');
    expect(instance).toMatchObject({ type: 'query', multi: true, includeAll: true });
    const query = typeof instance?.query === 'string' ? instance.query : instance?.query?.query;
    expect(query).toBe('label_values(punktfunk_host_info, instance)');
  });

  it('gives every panel the templated datasource and at least one query, each with an expression', () => {
    const panels = dataPanels(dashboard);
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax, not a JS template
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource, `${panel.title} ${target.refId}`).toEqual(panel.datasource);
        expect(target.expr.trim(), `${panel.title} ${target.refId}`).not.toBe('');
      }
    }
  });

  it('uses only defined variables, and every per-host query is filtered by instance', () => {
    const defined = new Set([...dashboard.templating.list.map((v) => v.name), ...GRAFANA_BUILTINS]);
    for (const q of dashboardQueries(dashboard)) {
      for (const use of unsubstituted(q.expr))
        expect(defined, `${q.panel}: ${use}`).toContain(use.replace(/[${}]/g, ''));
      expect(q.expr, q.panel).toContain('instance=~"$instance"');
      expect(unsubstituted(substitute(q.expr, SAMPLE_VALUES)), q.panel).toEqual([]);
    }
  });

  it('names only metrics of the contract in docs/fleet.md (or prom-client defaults and up)', () => {
    const documented = readFileSync(FLEET_DOC, 'utf8');
    for (const q of dashboardQueries(dashboard)) {
      for (const name of q.expr.match(/\bpunktfunk_\w+/g) ?? []) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(documented, `${q.panel}: ${name}`).toContain(`\`${base}\``);
      }
    }
  });

  it('parses as PromQL: promtool checks every query as a recording rule', () => {
    const rules = dashboardQueries(dashboard).map((q, i) => ({
      record: `punktfunk_dashboard:query_${i}`,
      expr: substitute(q.expr, SAMPLE_VALUES),
    }));
    // YAML is a superset of JSON: no YAML writer needed.
    const file = join(mkdtempSync(join(tmpdir(), 'punktfunk-rules-')), 'dashboard.rules.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const { code, output } = runPromtool(['check', 'rules', file]);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(code).toBe(0);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('passes promtool check config (the token file pointed at a real file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'punktfunk-promconfig-'));
    const tokenFile = join(dir, 'punktfunk-metrics-token');
    writeFileSync(tokenFile, 'example-scrape-token\n', { mode: 0o600 });
    const config = readFileSync(PROMETHEUS_CONFIG_FILE, 'utf8');
    expect(config).toContain('credentials_file: /etc/prometheus/punktfunk-metrics-token');
    const copy = join(dir, 'prometheus.yml');
    writeFileSync(copy, config.replace('/etc/prometheus/punktfunk-metrics-token', tokenFile));
    const { code, output } = runPromtool(['check', 'config', copy]);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });
});
