import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAppServices } from './app-services.ts';
import { loadConfig } from './config/config.ts';
import { createLogger } from './config/logger.ts';
import { openDatabase } from './db/index.ts';
import { startBoss } from './jobs/boss.ts';
import { startJobWorkers } from './jobs/job-workers.ts';
import { connectPortal } from './modules/portal/connect.ts';
import { AppSecret } from './modules/settings/app-secret.ts';
import { RUNTIME_FILES } from './runtime-files.ts';

/**
 * `pnpm --filter @b24-gdpr/api worker`: runs jobs only. Any number may run beside the API (started with
 * JOBS_IN_PROCESS=false when all work should happen here). Without DATABASE_URL it joins the embedded
 * database and sandbox of the API running on the same DATA_DIR.
 */
let config: ReturnType<typeof loadConfig>;
try {
  const env = { ...process.env };
  env.DATABASE_URL ??= await readRuntime(env.DATA_DIR, RUNTIME_FILES.database);
  if (!env.BITRIX24_WEBHOOK_URL) env.SANDBOX_URL ??= await readRuntime(env.DATA_DIR, RUNTIME_FILES.sandbox);
  config = loadConfig(env);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL).child({ process: 'worker' });
if (!config.DATABASE_URL) {
  logger.fatal('no database: set DATABASE_URL, or start the API first on the same DATA_DIR');
  process.exit(1);
}
const db = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  logger,
  migrate: false,
});
const portal = await connectPortal(config, logger);
const secret = await AppSecret.load(db.orm.em.fork());
const boss = await startBoss(db.url, db.kind, logger);
const services = createAppServices({ config, logger, orm: db.orm, portal, secret, boss });
const workers = await startJobWorkers(services, boss);
logger.info('worker ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void (async () => {
      await workers.stop();
      await boss.stop({ graceful: true, timeout: 5_000 });
      await portal.close();
      await db.close();
      logger.info('worker stopped');
      process.exit(0);
    })();
  });
}

async function readRuntime(dataDir: string | undefined, name: string): Promise<string | undefined> {
  const dir = dataDir ?? path.resolve(import.meta.dirname, '../../../.data');
  return (await readFile(path.join(dir, name), 'utf8').catch(() => ''))?.trim() || undefined;
}
