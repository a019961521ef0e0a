import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../../app-services.ts';

/** The daily maintenance job: partitions ahead, retention purge. */
export const AUDIT_MAINTAIN_JOB = 'audit.maintain';

/**
 * Makes this process run audit maintenance daily (and once now). To be called from jobs/job-workers.ts
 * beside the other workers; the writer also creates a missing month's partition on demand.
 */
export async function startAuditJobs(services: AppServices, boss: PgBoss): Promise<() => Promise<void>> {
  await boss.createQueue(AUDIT_MAINTAIN_JOB).catch(() => {});
  await boss.work(AUDIT_MAINTAIN_JOB, async () => {
    const outcome = await services.audit.maintain(services.orm.em.fork());
    services.logger.info(outcome, 'audit log maintained');
  });
  await boss.schedule(AUDIT_MAINTAIN_JOB, '10 3 * * *', {}, { tz: 'UTC' });
  await boss.send(AUDIT_MAINTAIN_JOB, {}, { singletonKey: 'startup' });
  return async () => {
    await boss.offWork(AUDIT_MAINTAIN_JOB).catch(() => {});
  };
}
