import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config/config.ts';
import { lockHolder } from './db/data-dir-lock.ts';

/**
 * An embedded database and a sandbox live inside the API process; `worker` processes and the CLI on the
 * same machine find them through these files in the data folder (readable by this user only: the URL
 * holds a password).
 */
export const RUNTIME_FILES = {
  database: 'database.url',
  sandbox: 'sandbox.url',
  /** The keys of the application `pnpm start` registered in its sandbox (workers refresh tokens with them). */
  sandboxApp: 'sandbox-app.json',
} as const;

/**
 * The witnesses the API publishes heads to (URLs and public keys: nothing secret), kept after it stops:
 * `audit verify` reads them back even when its own environment names none.
 */
export const WITNESSES_FILE = 'audit-witnesses.json';

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

/**
 * The portal a process without HTTP (a worker, the CLI) works on: its own BITRIX24_WEBHOOK_URL or
 * SANDBOX_URL, else the sandbox of the API running on the same DATA_DIR. Undefined SANDBOX_URL with no
 * webhook: no portal this process can reach (connectPortal would start an empty sandbox of its own).
 */
export async function portalOfApi(
  own: Config,
): Promise<Pick<Config, 'BITRIX24_WEBHOOK_URL' | 'SANDBOX_URL'>> {
  if (own.BITRIX24_WEBHOOK_URL || own.SANDBOX_URL)
    return { BITRIX24_WEBHOOK_URL: own.BITRIX24_WEBHOOK_URL, SANDBOX_URL: own.SANDBOX_URL };
  return {
    BITRIX24_WEBHOOK_URL: undefined,
    SANDBOX_URL: (await advertisedSandboxUrl(own.DATA_DIR)) ?? undefined,
  };
}

async function readRuntime(dataDir: string, name: string): Promise<string | null> {
  return (await readFile(path.join(dataDir, name), 'utf8').catch(() => '')).trim() || null;
}

type WitnessConfig = Pick<Config, 'AUDIT_WITNESS_URLS' | 'AUDIT_WITNESS_KEYS'>;

/** Written by the API at start: its witnesses, or no file when it has none. */
export async function recordWitnesses(config: Config): Promise<void> {
  const file = path.join(config.DATA_DIR, WITNESSES_FILE);
  if (config.AUDIT_WITNESS_URLS.length === 0) return rm(file, { force: true });
  const { AUDIT_WITNESS_URLS, AUDIT_WITNESS_KEYS } = config;
  await writeFile(file, `${JSON.stringify({ AUDIT_WITNESS_URLS, AUDIT_WITNESS_KEYS })}\n`, { mode: 0o600 });
}

/** This process's witnesses when its environment names any, else those the API on DATA_DIR recorded. */
export async function witnessesOfApi(own: Config): Promise<WitnessConfig> {
  if (own.AUDIT_WITNESS_URLS.length > 0) return own;
  const text = await readRuntime(own.DATA_DIR, WITNESSES_FILE);
  if (!text) return own;
  const recorded = JSON.parse(text) as Partial<WitnessConfig>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    AUDIT_WITNESS_URLS: list(recorded.AUDIT_WITNESS_URLS),
    AUDIT_WITNESS_KEYS: list(recorded.AUDIT_WITNESS_KEYS),
  };
}

/** Written by the API after it registered the application in its sandbox; removed when it stops. */
export async function advertiseSandboxApp(
  dataDir: string,
  app: { clientId: string; clientSecret: string },
): Promise<() => Promise<void>> {
  const file = path.join(dataDir, RUNTIME_FILES.sandboxApp);
  await writeFile(file, `${JSON.stringify(app)}\n`, { mode: 0o600 });
  return () => rm(file, { force: true });
}

/** The sandbox application's keys the API on `dataDir` advertises, if any. */
export async function readSandboxApp(
  dataDir: string,
): Promise<{ clientId: string; clientSecret: string } | null> {
  const text = await readRuntime(dataDir, RUNTIME_FILES.sandboxApp);
  if (!text) return null;
  const parsed = JSON.parse(text) as { clientId?: unknown; clientSecret?: unknown };
  return typeof parsed.clientId === 'string' && typeof parsed.clientSecret === 'string'
    ? { clientId: parsed.clientId, clientSecret: parsed.clientSecret }
    : null;
}
