import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../app-services.ts';
import { purgeUninstalled } from '../modules/app/install.ts';
import { startAuditJobs } from '../modules/audit/audit-jobs.ts';
import { startPublishJobs } from '../modules/audit-publish/publish-jobs.ts';
import { startReportJobs } from '../modules/reports/report-jobs.ts';
import { startImpersonationTimeouts } from './impersonation-timeouts.ts';
import { JOBS } from './job-names.ts';
import { sweepRequests } from './sweep-requests.ts';

export interface JobWorkers {
  stop(): Promise<void>;
}

/**
 * Makes this process work jobs: the API does by default, separate `worker` processes when scaled out.
 * Any number of processes may run this against one database.
 */
export async function startJobWorkers(services: AppServices, boss: PgBoss): Promise<JobWorkers> {
  const { logger, config } = services;
  await boss.work<{ requestId: string }>(
    JOBS.runRequest,
    { batchSize: 1, pollingIntervalSeconds: 0.5 },
    async ([job]) => {
      if (!job) return;
      const outcome = await services.runner.run(job.data.requestId);
      // A throw hands the job back to pg-boss, which retries it with backoff.
      if (outcome === 'retry-later') throw new Error('transient failure; the request resumes on retry');
    },
  );
  await boss.work(JOBS.dismissedPolicy, async () => {
    const started = await services.dismissed.runPolicy(services.orm.em.fork());
    logger.info({ started }, 'dismissed-employee policy ran');
  });
  await boss.work(JOBS.expireExports, async () => {
    await services.exports.expire(services.orm.em.fork());
  });
  await boss.work(JOBS.pollPortalEvents, async () => {
    await services.chatPoller.poll();
    await services.portalEvents.drain();
  });
  // Every minute (im.v2 keeps chat events 24 h). Not under tests: they run the job themselves, and a poll
  // arriving mid-test would add portal requests to the counts other tests assert.
  if (config.NODE_ENV !== 'test') await boss.schedule(JOBS.pollPortalEvents, '* * * * *', {}, { tz: 'UTC' });
  await boss.work(JOBS.purgeUninstalledPortals, async () => {
    const purged = await purgeUninstalled(services.orm, new Date());
    if (purged.length > 0) logger.info({ purged }, 'uninstalled portals purged');
  });
  await boss.schedule(JOBS.dismissedPolicy, '30 2 * * *', {}, { tz: 'UTC' });
  await boss.schedule(JOBS.purgeUninstalledPortals, '45 3 * * *', {}, { tz: 'UTC' });
  await boss.schedule(JOBS.expireExports, '*/15 * * * *', {}, { tz: 'UTC' });
  await startReportJobs(services, boss);
  await startImpersonationTimeouts(services, boss);
  // Partitions ahead and the retention purge; tests call services.audit.maintain themselves.
  const stopAudit = config.NODE_ENV === 'test' ? null : await startAuditJobs(services, boss);
  // Signed heads to the portal's chat and witnesses; tests call services.publishing.publish themselves.
  const stopPublish = config.NODE_ENV === 'test' ? null : await startPublishJobs(services, boss);

  const sweep = () =>
    sweepRequests(services.orm.em.fork(), services.queue).catch((err: unknown) =>
      logger.warn({ err }, 'request sweep failed'),
    );
  await sweep();
  const timer = setInterval(sweep, config.DSR_SWEEP_SECONDS * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await stopAudit?.();
      await stopPublish?.();
      await boss.offWork(JOBS.runRequest).catch(() => {});
      await boss.offWork(JOBS.dismissedPolicy).catch(() => {});
      await boss.offWork(JOBS.expireExports).catch(() => {});
      await boss.offWork(JOBS.pollPortalEvents).catch(() => {});
      await boss.offWork(JOBS.weeklyReport).catch(() => {});
      await boss.offWork(JOBS.mailWeeklyReport).catch(() => {});
      await boss.offWork(JOBS.sweepReportMails).catch(() => {});
      await boss.offWork(JOBS.closeTimedOutImpersonations).catch(() => {});
      await boss.offWork(JOBS.purgeUninstalledPortals).catch(() => {});
    },
  };
}
