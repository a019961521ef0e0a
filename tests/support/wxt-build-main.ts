import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `tsx wxt-build-main.ts <root> <outDir>`: WXT's build of the extension at <root> with the output in
 * <outDir> instead of the developer's `.output/`, run in its own process so its Vite never shares a
 * process with Vitest's. WXT is the extension package's dependency, so it is resolved from there.
 */
const [root, outDir] = process.argv.slice(2);
if (!root || !outDir) throw new Error('usage: wxt-build-main.ts <root> <outDir>');
const wxtEntry = createRequire(path.join(root, 'package.json')).resolve('wxt');
const wxt = (await import(pathToFileURL(wxtEntry).href)) as {
  build(config: { root: string; outDir: string; logLevel?: number }): Promise<unknown>;
};
await wxt.build({ root, outDir, logLevel: 1 });
