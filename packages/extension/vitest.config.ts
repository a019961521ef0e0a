import { defineProject } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// WxtVitest gives tests WXT's auto-imports and an in-memory `browser` (fake-browser), so storage
// and messaging code runs as it does in the extension; happy-dom gives page readers a Document.
export default defineProject({
  plugins: [WxtVitest({ root: import.meta.dirname })],
  test: { name: 'extension', include: ['test/**/*.test.ts'], environment: 'happy-dom' },
});
