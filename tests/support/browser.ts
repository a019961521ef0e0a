import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Browser tests run only where Debian's Chromium is installed (CI installs it in .ci/run). */
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../artifacts');

/** Known-good flags for an extension in a headless Chromium on a CI machine without a GPU or sandbox. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** Where the browser saves downloads (the profile's default download directory). */
  downloadsDir: string;
  /** The extension's background service worker (found again if Chromium restarted it). */
  worker(): Promise<Worker>;
  /** Opens one of the extension's own pages (`popup.html`, `options.html`, `console.html`) as a tab. */
  openExtensionPage(file: string): Promise<Page>;
  /** Runs `fn` in the background service worker (it sees `chrome.*`). */
  inWorker<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Writes `tests/artifacts/<name>.png` of the page or of one element of it. */
  screenshot(target: Page | ReturnType<Page['locator']>, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Chromium without any extension, with the same flags: the baseline for the extension's benchmark. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
}

/** A fresh Chromium profile with the unpacked extension in `dir` loaded, headless. */
export async function launchExtension(dir: string): Promise<ExtensionBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'b24-chromium-'));
  const downloadsDir = path.join(profile, 'Downloads');
  await mkdir(downloadsDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    downloadsPath: downloadsDir,
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...FLAGS],
    timeout: 30_000,
  });
  try {
    const extensionId = extensionIdOf(dir);
    const origin = `chrome-extension://${extensionId}/`;
    const running = () => context.serviceWorkers().find((w) => w.url().startsWith(origin));
    const worker = async (): Promise<Worker> => {
      const found = running();
      if (found) return found;
      const started = context.waitForEvent('serviceworker', {
        predicate: (w) => w.url().startsWith(origin),
        timeout: 30_000,
      });
      // Chromium sometimes starts the worker before Playwright attaches and reports nothing, or the
      // idle worker has stopped: an extension page messaging it (the popup asks for the session)
      // starts it again.
      const waker = await context.newPage();
      await waker.goto(`${origin}popup.html`).catch(() => undefined);
      try {
        return running() ?? (await started);
      } finally {
        await waker.close();
      }
    };
    await worker();
    return {
      context,
      extensionId,
      downloadsDir,
      worker,
      async openExtensionPage(file) {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${extensionId}/${file}`);
        return page;
      },
      async inWorker(fn, arg) {
        return (await worker()).evaluate(fn as never, arg as never);
      },
      async screenshot(target, name) {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        const file = path.join(ARTIFACTS_DIR, `${name}.png`);
        await target.screenshot({ path: file });
        return file;
      },
      async close() {
        await context.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Chromium's id of an unpacked extension, known before its worker runs: from the manifest's `key` when it
 * has one (ours does, so the API's default EXTENSION_ORIGINS allows it), else from its absolute path.
 * Either way the SHA-256's first 32 hex digits, written with the letters a–p.
 */
export function extensionIdOf(dir: string): string {
  const { key } = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { key?: string };
  const hash = createHash('sha256');
  hash.update(key ? Buffer.from(key, 'base64') : path.resolve(dir));
  const hex = hash.digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('');
}

/** Polls `read` until it returns something other than undefined; bounded. */
export async function waitFor<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
