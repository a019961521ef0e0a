import { PgBoss } from 'pg-boss';
import type { Logger } from '../config/logger.ts';
import type { DatabaseKind } from '../db/index.ts';
import { JOBS } from './job-names.ts';

/**
 * pg-boss on our database. On PGlite every connection shares one session, so pg-boss gets a small pool:
 * more connections would only queue at the embedded server.
 */
export async function startBoss(url: string, kind: DatabaseKind, logger: Logger): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: kind === 'pglite' ? 2 : 5 });
  boss.on('error', (err: unknown) => logger.error({ err }, 'job queue error'));
  await boss.start();
  for (const name of Object.values(JOBS)) {
    await boss.createQueue(name).catch(() => {
      /* exists already */
    });
  }
  return boss;
}
