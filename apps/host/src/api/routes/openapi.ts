// GET /api/v1/openapi.json: the API described, generated from the same
// schemas the routes validate with. Built once, on first request.
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { buildOpenApiDocument } from '../openapi.js';

export function openapiResource(all: () => readonly ApiResource[]): ApiResource {
  return {
    base: '/openapi.json',
    routes: ({ host, metrics }) => {
      let document: object | null = null;
      return new Hono<ApiEnv>().get('/', (c) => {
        document ??= buildOpenApiDocument(all(), host.version, { metrics: metrics != null });
        return c.json(document);
      });
    },
    openapi: {
      '/openapi.json': {
        get: { summary: 'This document (OpenAPI 3.1)', responses: { 200: { description: 'the document' } } },
      },
    },
  };
}
