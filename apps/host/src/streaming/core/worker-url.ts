// Worker entry files run as compiled JavaScript. Under vitest the host's
// modules are loaded from src/*.ts, so point at the built twin in dist/.
// `relativePath` is relative to the calling module (e.g. '../pf1/pf1-worker.js').
export function workerUrl(relativePath: string, from: string): URL {
  const here = new URL(from);
  const base = here.pathname.endsWith('.ts') ? new URL(here.href.replace('/src/', '/dist/')) : here;
  return new URL(relativePath, base);
}
