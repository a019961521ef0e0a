import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../app-services.ts';
import { JOBS } from './job-names.ts';

/**
 * Closes impersonation sessions nobody ended once their time-out has passed, every minute, so the record
 * (exports, weekly files, `open` filters) does not wait for someone to read them. Any number of workers
 * may run it at once; each session is closed, and logged, once.
 */
export async function startImpersonationTimeouts(services: AppServices, boss: PgBoss): Promise<void> {
  await boss.work(JOBS.closeTimedOutImpersonations, async () => {
    const closed = await services.impersonation.closeExpired(services.orm.em.fork());
    if (closed > 0) services.logger.info({ closed }, 'timed-out impersonation sessions closed');
  });
  // Not under tests: they send the job themselves, and a closure arriving mid-test would add audit events
  // to the counts other tests assert.
  if (services.config.NODE_ENV === 'test') return;
  await boss.schedule(JOBS.closeTimedOutImpersonations, '* * * * *', {}, { tz: 'UTC' });
}
