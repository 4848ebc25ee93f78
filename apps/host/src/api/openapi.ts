// The OpenAPI 3.1 document, built from each resource's path descriptions and
// the zod schemas the routes validate with (z.toJSONSchema), so the document
// and the validation cannot drift apart. Security per operation follows the
// same allowlist the auth middleware enforces; the liveness route is the one
// open to anyone.
import { API_BASE_PATH } from '@punktfunk/shared';
import { z } from 'zod';
import { METRICS_PATH } from '../metrics/route.js';
import { LIVENESS_PATH, PAIRED_CLIENT_READ_ALLOWLIST } from './auth.js';
import type { ApiResource } from './context.js';
import { errorSchema } from './schemas.js';
import { API_BODY_MAX_BYTES } from './validate.js';

type Method = 'get' | 'post' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default application/json (with a schema). */
  contentType?: string;
}

export interface OperationSpec {
  summary: string;
  description?: string;
  pathParams?: Record<string, z.ZodType>;
  query?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** A body that is not one JSON document (multipart, say): its OpenAPI `content` as is. */
  requestContent?: Record<string, { schema: object }>;
  responses: Record<number, ResponseSpec>;
}

export type PathSpecs = Record<string, Partial<Record<Method, OperationSpec>>>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io });

function parameters(op: OperationSpec) {
  const list = [];
  for (const [name, schema] of Object.entries(op.pathParams ?? {})) {
    list.push({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') });
  }
  for (const [name, schema] of Object.entries(op.query ?? {})) {
    list.push({ name, in: 'query', required: false, schema: jsonSchema(schema, 'input') });
  }
  return list;
}

type Access = 'anyone' | 'operator-or-paired' | 'operator';

function responses(op: OperationSpec, access: Access) {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
  });
  const out: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const type = spec.contentType ?? 'application/json';
    out[status] = spec.schema
      ? { description: spec.description, content: { [type]: { schema: jsonSchema(spec.schema, 'output') } } }
      : { description: spec.description };
  }
  if (op.body) out['413'] = error(`the body is larger than ${API_BODY_MAX_BYTES} bytes (every route)`);
  if (access !== 'anyone') {
    out['401'] = error('no credentials, or a wrong token');
    out['429'] = error('too many wrong tokens from this address: wait for Retry-After (seconds)');
  }
  if (access === 'operator') out['403'] = error('a paired client certificate does not open this route');
  out['421'] = error('plain HTTP only: the Host header names neither loopback nor PUNKTFUNK_MGMT_HOSTS');
  out.default = error('any other failure: {"error": "..."}');
  return out;
}

const SECURITY: Record<Access, object[]> = {
  anyone: [],
  'operator-or-paired': [{ bearer: [] }, { pairedClientCertificate: [] }],
  operator: [{ bearer: [] }],
};

function accessOf(path: string, method: Method): Access {
  if (method !== 'get') return 'operator';
  if (API_BASE_PATH + path === LIVENESS_PATH) return 'anyone';
  return PAIRED_CLIENT_READ_ALLOWLIST.includes(API_BASE_PATH + path) ? 'operator-or-paired' : 'operator';
}

function operation(path: string, method: Method, op: OperationSpec) {
  const access = accessOf(path, method);
  return {
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : op.requestContent
        ? { requestBody: { required: true, content: op.requestContent } }
        : {}),
    responses: responses(op, access),
    security: SECURITY[access],
  };
}

/** GET /metrics sits outside /api/v1 (where Prometheus looks by default): its own server, the root. */
function metricsPath() {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
  });
  return {
    servers: [{ url: '/' }],
    get: {
      summary: 'Prometheus metrics (docs/fleet.md)',
      description:
        'The text exposition (prom-client): per-session latency and stage histograms, gauges and counters, ' +
        'host-wide session and pairing counters, capture state, process metrics. Opens with the bearer token ' +
        'or the read-only scrape token PUNKTFUNK_METRICS_TOKEN.',
      parameters: [],
      responses: {
        200: {
          description: 'the exposition',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
        401: error('no credentials, or a wrong token'),
        429: error('too many wrong tokens from this address: wait for Retry-After (seconds)'),
        421: error('plain HTTP only: the Host header names neither loopback nor PUNKTFUNK_MGMT_HOSTS'),
        default: error('any other failure: {"error": "..."}'),
      },
      security: [{ bearer: [] }, { metricsToken: [] }],
    },
  };
}

export function buildOpenApiDocument(
  resources: readonly ApiResource[],
  version: string,
  served: { metrics: boolean } = { metrics: false },
): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const resource of resources) {
    for (const [path, methods] of Object.entries(resource.openapi)) {
      const entry: Record<string, unknown> = {};
      for (const [method, op] of Object.entries(methods) as [Method, OperationSpec][]) {
        entry[method] = operation(path, method, op);
      }
      paths[path] = entry;
    }
  }
  if (served.metrics) paths[METRICS_PATH] = metricsPath();
  return {
    openapi: '3.1.0',
    info: { title: 'punktfunk management API', version },
    servers: [{ url: API_BASE_PATH }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'PUNKTFUNK_MGMT_TOKEN or <config>/mgmt-token',
        },
        metricsToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'PUNKTFUNK_METRICS_TOKEN: a read-only scrape token; opens GET /metrics and nothing else',
        },
        pairedClientCertificate: {
          type: 'mutualTLS',
          description: 'TLS lane only: the certificate of a paired client; opens health and status',
        },
      },
    },
    paths,
  };
}
