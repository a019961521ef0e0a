import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../../app-services.ts';

/** Signs a head if the log grew and publishes it to every channel (audit-publishing.ts). */
export const AUDIT_PUBLISH_JOB = 'audit.publish-heads';

/**
 * Makes this process publish tree heads on AUDIT_PUBLISH_CRON (hourly by default, UTC). Any number of
 * processes may run it: pg-boss gives each scheduled run to one of them.
 */
export async function startPublishJobs(services: AppServices, boss: PgBoss): Promise<() => Promise<void>> {
  await boss.createQueue(AUDIT_PUBLISH_JOB).catch(() => {});
  await boss.work(AUDIT_PUBLISH_JOB, async () => {
    const outcomes = await services.publishing.publish(services.orm.em.fork());
    services.logger.info({ outcomes }, 'audit tree head published');
  });
  await boss.schedule(AUDIT_PUBLISH_JOB, services.config.AUDIT_PUBLISH_CRON, {}, { tz: 'UTC' });
  return async () => {
    await boss.offWork(AUDIT_PUBLISH_JOB).catch(() => {});
  };
}
