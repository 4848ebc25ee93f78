// `pnpm bench`: runs every benchmark (packages/*/bench, apps/*/bench) in turn.
// Each prints its figures and a ratio against a baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
const benches = [];
for (const group of ['packages', 'apps']) {
  for (const pkg of readdirSync(group)) {
    const dir = join(group, pkg, 'bench');
    let files = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs') || f.endsWith('.bench.ts'));
    } catch {
      continue;
    }
    for (const f of files) benches.push(join(dir, f));
  }
}
let failed = 0;
for (const file of benches.filter((b) => !only || b.includes(only))) {
  console.log(`\n### ${file}`);
  // TypeScript benchmarks (those that drive the test clients) run through vite-node.
  const r = file.endsWith('.ts')
    ? spawnSync('node_modules/.bin/vite-node', [file], { stdio: 'inherit' })
    : spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
