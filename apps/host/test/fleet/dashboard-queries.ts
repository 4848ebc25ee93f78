// Reads deploy/grafana/punktfunk.json the way Grafana would use it: its
// panels (rows' nested panels too), their Prometheus targets, and the
// template variables the queries are written against.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_FILE = fileURLToPath(
  new URL('../../../../deploy/grafana/punktfunk.json', import.meta.url),
);
export const PROMETHEUS_CONFIG_FILE = fileURLToPath(
  new URL('../../../../deploy/prometheus/prometheus.yml', import.meta.url),
);

export interface DashboardTarget {
  refId: string;
  expr: string;
  instant?: boolean;
  datasource?: { type?: string; uid?: string };
}
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}
export interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query: string };
  multi?: boolean;
  includeAll?: boolean;
}
export interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: TemplateVariable[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel that shows data (rows are containers), rows' collapsed panels included. */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** One query of the dashboard, named by its panel for error messages. */
export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  return dataPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      panel: panel.title,
      refId: t.refId,
      expr: t.expr,
      instant: t.instant === true,
    })),
  );
}

/** Concrete values for Grafana's variables, as Grafana would put them into a query. */
export interface Substitutions {
  /** A regex matching the selected instance(s): `=~"$instance"` in every query. */
  instance: string;
  /** Grafana's $__rate_interval / $__interval / $__range, as PromQL durations ("15s"). */
  rateInterval: string;
  interval: string;
  range: string;
}

export function substitute(expr: string, values: Substitutions): string {
  return (
    expr
      .replaceAll('$__rate_interval', values.rateInterval)
      .replaceAll('$__interval', values.interval)
      .replaceAll('$__range', values.range)
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax, not a JS template
      .replaceAll('${instance}', values.instance)
      .replaceAll('$instance', values.instance)
  );
}

/** Any `$name` left after substitution: a variable the tests do not know how to fill. */
export function unsubstituted(expr: string): string[] {
  return expr.match(/\$\{?\w+\}?/g) ?? [];
}
