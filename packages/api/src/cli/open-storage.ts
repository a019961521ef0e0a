import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { openDatabase } from '../db/index.ts';
import { heldDatabaseUrl } from '../runtime-files.ts';

/**
 * CLI commands work on the same database `pnpm start` uses, with logs kept off stdout. While the API
 * holds the embedded database, they connect through the URL it serves instead of opening it.
 */
export async function openStorage() {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const served = config.DATABASE_URL ? null : await heldDatabaseUrl(config.DATA_DIR);
  const db = await openDatabase({
    databaseUrl: served ?? config.DATABASE_URL,
    servedEmbedded: served !== null,
    dataDir: config.DATA_DIR,
    logger,
  });
  return { config, logger, db };
}
