import { loadConfig } from '../config/config.ts';
import { createLogger } from '../config/logger.ts';
import { openDatabase } from '../db/index.ts';

/** CLI commands work on the same database `pnpm start` uses, with logs kept off stdout. */
export async function openStorage() {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, logger });
  return { config, logger, db };
}
