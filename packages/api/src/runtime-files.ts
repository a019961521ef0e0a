import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config/config.ts';
import { lockHolder } from './db/data-dir-lock.ts';

/**
 * An embedded database and a sandbox live inside the API process; `worker` processes and the CLI on the
 * same machine find them through these files in the data folder (readable by this user only: the URL
 * holds a password).
 */
export const RUNTIME_FILES = { database: 'database.url', sandbox: 'sandbox.url' } as const;

export async function advertise(
  config: Config,
  databaseUrl: string | null,
  sandboxUrl: string | null,
): Promise<() => Promise<void>> {
  const written: string[] = [];
  for (const [name, value] of [
    [RUNTIME_FILES.database, databaseUrl],
    [RUNTIME_FILES.sandbox, sandboxUrl],
  ] as const) {
    if (!value) continue;
    const file = path.join(config.DATA_DIR, name);
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    written.push(file);
  }
  return async () => {
    for (const file of written) await rm(file, { force: true });
  };
}

/**
 * The URL of the embedded database in `dataDir` while another process holds it (PGlite allows one
 * process; the others connect through the URL it serves). Null when nobody holds it, so the caller may
 * open it itself, and for a file left behind by an API that died.
 */
export async function heldDatabaseUrl(dataDir: string): Promise<string | null> {
  const holder = await lockHolder(path.join(dataDir, 'pglite'));
  if (holder === null || holder === process.pid) return null;
  return readRuntime(dataDir, RUNTIME_FILES.database);
}

/** The sandbox the API on `dataDir` started, if it advertises one. */
export function advertisedSandboxUrl(dataDir: string): Promise<string | null> {
  return readRuntime(dataDir, RUNTIME_FILES.sandbox);
}

async function readRuntime(dataDir: string, name: string): Promise<string | null> {
  return (await readFile(path.join(dataDir, name), 'utf8').catch(() => '')).trim() || null;
}
