import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_PAGE_SCRIPT, APP_PAGE_STYLES } from '@b24-gdpr/shared';

/**
 * The native pages' script and stylesheet, built from packages/extension with Vite
 * (vite.pages.config.ts) into `.output/app-page/`, or read from APP_PAGE_ASSETS_DIR in a deployment
 * that ships them prebuilt. Built at start when missing or older than its sources, in a child
 * process so Vite never shares the API's heap, into a fresh directory whose files are renamed into
 * place, so two processes building at once never serve half a bundle.
 */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../../../..');
const EXTENSION_ROOT = path.join(REPO_ROOT, 'packages/extension');
export const DEFAULT_BUNDLE_DIR = path.join(EXTENSION_ROOT, '.output/app-page');
const BUILD_TIMEOUT_MS = 120_000;

export interface PageAsset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  [APP_PAGE_SCRIPT]: 'text/javascript; charset=utf-8',
  [APP_PAGE_STYLES]: 'text/css; charset=utf-8',
};

export class PageBundle {
  readonly #dir: string;
  readonly #buildable: boolean;
  #ready: Promise<void> | null = null;
  #cache = new Map<string, PageAsset>();

  constructor(dir: string | undefined) {
    this.#dir = dir ?? DEFAULT_BUNDLE_DIR;
    // Only the repository's own output is built here; a configured directory is the deployer's.
    this.#buildable = dir === undefined;
  }

  /** At start: builds when the bundle is missing or older than its sources; later `asset` calls wait for it. */
  prepare(): Promise<void> {
    this.#ready ??= this.#ensure();
    return this.#ready;
  }

  /** One of the two files, or null for any other name. */
  async asset(name: string): Promise<PageAsset | null> {
    const type = TYPES[name];
    if (!type) return null;
    const cached = this.#cache.get(name);
    if (cached) return cached;
    await this.prepare();
    const asset = { body: await readFile(path.join(this.#dir, name)), type };
    this.#cache.set(name, asset);
    return asset;
  }

  async #ensure(): Promise<void> {
    if (!this.#buildable) return;
    const built = await stat(path.join(this.#dir, APP_PAGE_SCRIPT)).then(
      (s) => s.mtimeMs,
      () => null,
    );
    if (built === null || (await newestSource()) > built) await build(this.#dir);
  }
}

/** The newest modification time among the files the bundle is made of (the extension's and shared sources). */
async function newestSource(): Promise<number> {
  const roots = [
    path.join(EXTENSION_ROOT, 'src'),
    path.join(EXTENSION_ROOT, 'locales'),
    path.join(EXTENSION_ROOT, 'vite.pages.config.ts'),
    path.join(REPO_ROOT, 'packages/shared/src'),
  ];
  let newest = 0;
  for (const root of roots) {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => null);
    const files = entries
      ? entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
      : [root];
    for (const file of files) {
      const time = await stat(file).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (time > newest) newest = time;
    }
  }
  return newest;
}

async function build(dir: string): Promise<void> {
  const staging = `${dir}.${process.pid}.${Date.now()}`;
  const vite = createRequire(path.join(EXTENSION_ROOT, 'package.json')).resolve('vite');
  const script = `const { build } = await import(${JSON.stringify(pathToFileURL(vite).href)});
await build({ configFile: ${JSON.stringify(path.join(EXTENSION_ROOT, 'vite.pages.config.ts'))}, logLevel: 'warn', build: { outDir: ${JSON.stringify(staging)} } });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: EXTENSION_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`building the native pages' bundle failed (exit ${code}):\n${output.join('')}`);
  }
  // File by file: a rename over an existing file is atomic, so a reader sees the old file or the new one.
  await mkdir(dir, { recursive: true });
  for (const name of Object.keys(TYPES)) await rename(path.join(staging, name), path.join(dir, name));
  await rm(staging, { recursive: true, force: true });
}
