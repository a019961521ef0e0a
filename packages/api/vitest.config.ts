import { createRequire } from 'node:module';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // graphql ships ESM and CJS copies without an exports map; Node gives Pothos and yoga the CJS one,
    // so test files must get the same copy or schema objects come "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: { name: 'api', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
