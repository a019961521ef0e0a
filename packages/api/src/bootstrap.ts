import type { AppServices } from './app-services.ts';
import { type Config, loadConfig } from './config/config.ts';
import { createLogger, type Logger } from './config/logger.ts';
import { openDatabase } from './db/index.ts';
import { heldDatabaseUrl, portalOfApi } from './runtime-files.ts';
import { wireServices } from './wire-services.ts';

export interface HeadlessServices {
  services: AppServices;
  close(): Promise<void>;
}

/**
 * The services of a process without HTTP (a worker, the CLI). Without DATABASE_URL it joins the embedded
 * database and sandbox of the API running on the same DATA_DIR, through the files that API leaves there.
 */
export async function openHeadless(options: {
  logger?: Logger;
  component: string;
}): Promise<HeadlessServices> {
  const own = loadConfig();
  const served = own.DATABASE_URL ? null : await heldDatabaseUrl(own.DATA_DIR);
  const config: Config = {
    ...own,
    DATABASE_URL: served ?? own.DATABASE_URL,
    ...(await portalOfApi(own)),
  };
  const logger = (options.logger ?? createLogger(config.LOG_LEVEL)).child({ process: options.component });
  if (!config.DATABASE_URL) {
    throw new Error(
      'No database: set DATABASE_URL, or start the API (pnpm start) on the same DATA_DIR first.',
    );
  }
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    servedEmbedded: served !== null,
    dataDir: config.DATA_DIR,
    logger,
    migrate: false,
  });
  const closers: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const services = await wireServices(config, logger, db, closers);
    await services.exports.ensureDir();
    return {
      services,
      close: async () => {
        for (const close of closers.reverse()) await close().catch(() => {});
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
}
