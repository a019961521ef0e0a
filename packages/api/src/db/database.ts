import path from 'node:path';
import type { Logger } from 'pino';
import { MEMORY, startEmbeddedPostgres } from './embedded-postgres.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseConfig {
  /** A `postgres://` URL for a real PostgreSQL; `memory://` for a throw-away embedded one; unset for PGlite. */
  databaseUrl?: string | undefined;
  /** Application data folder; the embedded database lives in `${dataDir}/pglite`. `memory://` keeps it in RAM. */
  dataDir: string;
  /** The URL is the embedded database another process (the API) serves: PGlite behind a postgres:// URL. */
  servedEmbedded?: boolean | undefined;
  /** Connection limit of the embedded server. */
  maxConnections?: number | undefined;
  logger?: Logger | undefined;
}

export interface ResolvedDatabase {
  url: string;
  kind: DatabaseKind;
  /** Stops the embedded server (no-op for a real PostgreSQL). */
  close(): Promise<void>;
}

/** Where the data lives: the PostgreSQL named by the URL, or an embedded PGlite served on loopback. */
export async function resolveDatabase(config: DatabaseConfig): Promise<ResolvedDatabase> {
  const { databaseUrl, dataDir } = config;
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    return { url: databaseUrl, kind: config.servedEmbedded ? 'pglite' : 'postgres', close: async () => {} };
  }
  if (databaseUrl && databaseUrl !== MEMORY) {
    throw new Error('databaseUrl must start with postgres://, postgresql:// or be memory://');
  }
  const inMemory = databaseUrl === MEMORY || dataDir === MEMORY;
  const embedded = await startEmbeddedPostgres({
    dataDir: inMemory ? MEMORY : path.join(path.resolve(dataDir), 'pglite'),
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
    logger: config.logger,
  });
  return { url: embedded.url, kind: 'pglite', close: embedded.close };
}
