import { defineConfig } from 'vitest/config';

// One run covers every package and the cross-package scenarios; each project has its own config.
export default defineConfig({
  test: {
    projects: ['packages/*', 'tests'],
  },
});
