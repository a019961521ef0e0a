import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { lockDataDir } from './data-dir-lock.ts';
import { startPgliteServer } from './pglite-server.ts';

export interface EmbeddedPostgresOptions {
  /** Data folder of the database files, or `memory://` for a throw-away database. */
  dataDir: string;
  maxConnections?: number;
  port?: number;
  /** Start from this `dumpDataDir()` tarball instead of an empty cluster (tests: a migrated template). */
  loadDataDir?: Blob;
  logger?: Logger | undefined;
}

export interface EmbeddedPostgres {
  url: string;
  /** A tarball of the data folder, loadable with `loadDataDir`. Take it with no client mid-transaction. */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

export const MEMORY = 'memory://';

/** Starts PGlite and serves it on a loopback port (see pglite-server.ts for why and how). */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const inMemory = options.dataDir === MEMORY;
  const unlock = inMemory ? async () => {} : await lockDataDir(options.dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(
      options.dataDir,
      options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
    );
    const server = await startPgliteServer({
      db,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.port === undefined ? {} : { port: options.port }),
      logger: options.logger,
    });
    let closing: Promise<void> | undefined;
    const pglite = db;
    return {
      url: server.url,
      dump: () => pglite.dumpDataDir('none'),
      close: () => {
        closing ??= (async () => {
          try {
            await server.close();
            await pglite.close();
          } finally {
            await unlock();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await unlock();
    throw error;
  }
}
