// The web console's place on the management server: every path outside
// /api/. main.ts passes serveConsole(<apps/console/dist>); the placeholder
// remains for tests and for hosts started without the console.
// The sign-in link the host prints (/#token=…) keeps the token in the URL
// fragment, which browsers never send to the server. Static files are public;
// every /api/v1 call the console makes carries the bearer token.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context.js';

export type ConsoleHandler = MiddlewareHandler<ApiEnv>;

const PLACEHOLDER_HTML = `<!doctype html>
<meta charset="utf-8"><title>punktfunk</title>
<h1>punktfunk host</h1>
<p>The web console is not built yet. The management API is at <code>/api/v1</code>
(bearer token; description at <code>/api/v1/openapi.json</code>).</p>
`;

const NOT_BUILT_HTML = `<!doctype html>
<meta charset="utf-8"><title>punktfunk console not built</title>
<style>body{font:15px system-ui,sans-serif;background:#0b1120;color:#e2e8f0;max-width:40em;margin:12vh auto;padding:0 1em}code{background:#1e293b;padding:2px 6px;border-radius:4px}</style>
<h1>The punktfunk console is not built</h1>
<p>The host is running and its management API answers at <code>/api/v1</code>, but the web
console's files are missing. Build them with <code>pnpm run build:console</code> (or
<code>./scripts/setup</code>), then reload this page.</p>
`;

export const consolePlaceholder: ConsoleHandler = async (c, next) => {
  if (c.req.method !== 'GET' || c.req.path !== '/') return next();
  return c.html(PLACEHOLDER_HTML);
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

async function readIfFile(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

/**
 * Serves the built console from `distDir`: its files with their content
 * types (hashed assets cached for good), and index.html, never cached, for
 * every other path without an extension, so client-side routes load.
 */
export function serveConsole(distDir: string): ConsoleHandler {
  const root = normalize(distDir + sep);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || path.includes('\0')) return next();
    const ext = extname(file);
    const body = ext && ext !== '.html' ? await readIfFile(file) : null;
    if (body) {
      // Vite names files under assets/ by content hash: they never change.
      const immutable = path.startsWith('/assets/');
      return c.body(new Uint8Array(body), 200, {
        'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A missing asset is a 404, not the page (a browser would parse HTML as script).
    if (path.startsWith('/assets/')) return next();
    const index = await readIfFile(join(root, 'index.html'));
    if (!index) return c.html(NOT_BUILT_HTML, 503, { 'Cache-Control': 'no-store' });
    // index.html names the current hashed assets: always fetch it fresh.
    return c.body(new Uint8Array(index), 200, {
      'Content-Type': CONTENT_TYPES['.html']!,
      'Cache-Control': 'no-store',
    });
  };
}
