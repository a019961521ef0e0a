import { afterAll, beforeAll } from 'vitest';
import { type ExtensionBrowser, hasChromium, launchExtension } from './browser.ts';
import { extensionDir } from './extension-dir.ts';
import { type Stack, type StackOptions, startStack } from './stack.ts';

export interface ExtensionE2e {
  stack: Stack;
  browser: ExtensionBrowser;
}

/**
 * One browser test file's world: the API with its sandbox portal (startStack) and a Chromium with the
 * built extension, opened before the file's tests (then `prepare`, e.g. granting a role or signing
 * in) and closed after them. The fields are set once `beforeAll` has run; nothing opens without
 * Chromium (the tests are skipped then).
 */
export function useExtensionE2e(
  prepare?: (e2e: ExtensionE2e) => Promise<void>,
  options: StackOptions = {},
): ExtensionE2e {
  const e2e = {} as ExtensionE2e;
  beforeAll(async () => {
    if (!hasChromium) return;
    e2e.stack = await startStack(options);
    e2e.browser = await launchExtension(extensionDir());
    await prepare?.(e2e);
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.stack?.close();
  });
  return e2e;
}
