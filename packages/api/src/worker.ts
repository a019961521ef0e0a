import { openHeadless } from './bootstrap.ts';
import { startJobWorkers } from './jobs/job-workers.ts';

/**
 * `pnpm --filter @b24-gdpr/api worker`: runs jobs only. Any number may run beside the API (started with
 * JOBS_IN_PROCESS=false when all work should happen here).
 */
const headless = await openHeadless({ component: 'worker' }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
const { services } = headless;
const workers = await startJobWorkers(services, services.boss);
services.logger.info('worker ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void (async () => {
      await workers.stop();
      await headless.close();
      services.logger.info('worker stopped');
      process.exit(0);
    })();
  });
}
