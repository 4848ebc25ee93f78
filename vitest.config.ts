import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // Each test file in its own process: the addon and its codecs are per
    // process state we want isolated, and worker tests spawn threads of their own.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
