// The OpenAPI 3.1 document, built from each resource's path descriptions and
// the zod schemas the routes validate with (z.toJSONSchema), so the document
// and the validation cannot drift apart. Security per operation follows the
// same allowlist the auth middleware enforces.
import { API_BASE_PATH } from '@punktfunk/shared';
import { z } from 'zod';
import { PAIRED_CLIENT_READ_ALLOWLIST } from './auth.js';
import type { ApiResource } from './context.js';
import { errorSchema } from './schemas.js';

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

function responses(op: OperationSpec, pairedMayRead: boolean) {
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
  out['401'] = error('no credentials, or a wrong token');
  if (!pairedMayRead) out['403'] = error('a paired client certificate does not open this route');
  out.default = error('any other failure: {"error": "..."}');
  return out;
}

function operation(path: string, method: Method, op: OperationSpec) {
  const pairedMayRead = method === 'get' && PAIRED_CLIENT_READ_ALLOWLIST.includes(API_BASE_PATH + path);
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
      : {}),
    responses: responses(op, pairedMayRead),
    security: pairedMayRead ? [{ bearer: [] }, { pairedClientCertificate: [] }] : [{ bearer: [] }],
  };
}

export function buildOpenApiDocument(resources: readonly ApiResource[], version: string): object {
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
        pairedClientCertificate: {
          type: 'mutualTLS',
          description: 'TLS lane only: the certificate of a paired client; opens health and status',
        },
      },
    },
    paths,
  };
}
