import { inject } from 'vitest';

/** The extension built by the e2e project's global setup (tests/support/global-setup.ts). */
export function extensionDir(): string {
  const dir = inject('extensionDir');
  if (!dir) throw new Error('the extension was not built (no Chromium?); see tests/support/global-setup.ts');
  return dir;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The unpacked extension built for this run, or null when there is no Chromium to run it. */
    extensionDir: string | null;
  }
}
