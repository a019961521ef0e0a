/**
 * `pnpm bench [name…]`: imports every `bench/*.bench.ts` (or those whose file name contains one of the
 * names) and awaits its default export. Each benchmark prints its own figures; nothing is asserted.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  console.log(`\n# ${file}`);
  const started = performance.now();
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default?: unknown };
  if (typeof mod.default === 'function') await (mod.default as () => Promise<void>)();
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
