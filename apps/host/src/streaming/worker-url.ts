// Worker entry files run as compiled JavaScript. Under vitest the host's
// modules are loaded from src/*.ts, so point at the built twin in dist/.
export function workerUrl(fileName: string, from: string): URL {
  const here = new URL(from);
  if (here.pathname.endsWith('.ts')) {
    return new URL(here.href.replace('/src/', '/dist/').replace(/[^/]+\.ts$/, fileName));
  }
  return new URL(`./${fileName}`, here);
}
