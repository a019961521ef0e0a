import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './api-process.ts';
import { CHROMIUM, hasChromium } from './browser.ts';
// The typed `extensionDir` key provided below.
import type {} from './extension-dir.ts';

const EXTENSION_ROOT = path.join(REPO_ROOT, 'packages/extension');
/** Git-ignored (tests/.gitignore); rebuilt on every run so the tests never see a stale extension. */
export const EXTENSION_BUILD_DIR = path.join(REPO_ROOT, 'tests/.extension-build');

/**
 * Builds the extension once per run, with `B24_GDPR_TEST_HOSTS=1` so its manifest matches the
 * sandbox's and the API's 127.0.0.1 addresses, and hands its directory to the browser tests.
 */
export default async function setup(project: TestProject): Promise<void> {
  if (!hasChromium) {
    console.warn(`[e2e] ${CHROMIUM} is missing: the extension's browser tests are skipped`);
    project.provide('extensionDir', null);
    return;
  }
  project.provide('extensionDir', await buildExtension(EXTENSION_BUILD_DIR));
}

/** `wxt build` of packages/extension into `outDir`; returns the unpacked Chrome MV3 directory. */
export async function buildExtension(outDir: string): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  const child = spawn(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    [path.join(import.meta.dirname, 'wxt-build-main.ts'), EXTENSION_ROOT, outDir],
    // NODE_ENV=production: Vitest's `test` would make Vite compile JSX in development mode, and the
    // browser tests would then run a different bundle from the one `pnpm build` ships.
    {
      env: { ...process.env, NODE_ENV: 'production', B24_GDPR_TEST_HOSTS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`building the extension failed (exit ${code}):\n${output.join('')}`);
  return path.join(outDir, 'chrome-mv3');
}
