// The web console's place on the management server: every path outside
// /api/. Today a placeholder page; when the console is built, main.ts passes
// its static handler instead, e.g.
//   serveStatic({ root: 'apps/console/dist' })  (from @hono/node-server/serve-static)
// The sign-in link the host prints (/#token=…) keeps the token in the URL
// fragment, which browsers never send to the server.
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context.js';

export type ConsoleHandler = MiddlewareHandler<ApiEnv>;

const PLACEHOLDER_HTML = `<!doctype html>
<meta charset="utf-8"><title>punktfunk</title>
<h1>punktfunk host</h1>
<p>The web console is not built yet. The management API is at <code>/api/v1</code>
(bearer token; description at <code>/api/v1/openapi.json</code>).</p>
`;

export const consolePlaceholder: ConsoleHandler = async (c, next) => {
  if (c.req.method !== 'GET' || c.req.path !== '/') return next();
  return c.html(PLACEHOLDER_HTML);
};
