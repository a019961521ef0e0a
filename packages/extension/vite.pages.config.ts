import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_PAGE_SCRIPT, APP_PAGE_STYLES } from '@b24-gdpr/shared';
import { parseYAML } from 'confbox';
import { defineConfig, type Plugin } from 'vite';

/**
 * The native pages' bundle (`pnpm --filter @b24-gdpr/extension build:pages`): the console's and the
 * profile panel's Preact components with the page transport and a locale shim instead of the
 * extension's background and `browser.i18n`. One script and one stylesheet with fixed names, no
 * chunks, served by the API from its own origin (packages/api/src/modules/app-pages), so the
 * shell's CSP needs nothing but 'self'.
 */
const root = import.meta.dirname;
export const APP_PAGE_OUT_DIR = path.join(root, '.output/app-page');

const MESSAGES_ID = 'virtual:b24-gdpr-page-messages';

/** en.yml and de.yml flattened to Chrome's message ids (`console.title` → `console_title`), as WXT does. */
function pageMessages(): Plugin {
  const flatten = (node: unknown, prefix: string, out: Record<string, string>) => {
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) flatten(value, prefix ? `${prefix}_${key}` : key, out);
    } else out[prefix] = String(node);
    return out;
  };
  const read = (lang: string) =>
    flatten(parseYAML(readFileSync(path.join(root, `locales/${lang}.yml`), 'utf8')), '', {});
  return {
    name: 'b24-gdpr-page-messages',
    resolveId: (id) => (id === MESSAGES_ID ? `\0${MESSAGES_ID}` : null),
    load: (id) =>
      id === `\0${MESSAGES_ID}`
        ? `export default ${JSON.stringify({ en: read('en'), de: read('de') })};`
        : null,
  };
}

export default defineConfig({
  root,
  publicDir: false,
  plugins: [pageMessages()],
  resolve: { alias: { '#i18n': path.join(root, 'src/app-page/i18n.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: APP_PAGE_OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: {
      input: path.join(root, 'src/app-page/main.tsx'),
      output: {
        format: 'es',
        codeSplitting: false,
        entryFileNames: APP_PAGE_SCRIPT,
        assetFileNames: (asset) =>
          asset.names?.some((n) => n.endsWith('.css')) ? APP_PAGE_STYLES : '[name][extname]',
      },
    },
  },
});
