import type { EntityManager } from '@mikro-orm/core';
import { sql } from '../audit/audit-sql.ts';
import { type MailPolicy, type MailSweepQueue, STALE_SENDING } from './report-mail.ts';
import type { MailStatus } from './weekly-report.entity.ts';

/**
 * A PENDING file is left alone this long after its last change: a failed attempt records PENDING first and
 * queues its retry right after, and a sweep in between would add an attempt before the backoff delay.
 */
const PENDING_GRACE = "interval '1 minute'";

/**
 * Queues at once the mailings nobody is working on: PENDING files without a job waiting or running (the
 * process stopped between the failure and queueing its retry, it had no queue, or the job's retries ran out
 * after the attempts were raised), and SENDING files whose attempt died with its process. Runs when a worker
 * starts and as the `reports.mail-sweep` cron, in any number of processes at once: the claim UPDATE in
 * ReportMailer lets one attempt at a time mail a file, and the queue sends one pick-up job per report and
 * minute. Resolves to the ids queued.
 */
export async function sweepOpenMailings(
  em: EntityManager,
  queue: MailSweepQueue,
  policy: MailPolicy,
): Promise<string[]> {
  const open = await sql<{ id: string; mail_status: MailStatus }>(
    em,
    `select id, mail_status from weekly_report
      where (mail_status = 'PENDING' and updated_at < now() - ${PENDING_GRACE})
         or (mail_status = 'SENDING' and updated_at < now() - ${STALE_SENDING})
      order by week`,
  );
  const queued: string[] = [];
  for (const { id, mail_status } of open) {
    // A PENDING file with a job keeps its backoff. A stale SENDING is queued even so: its job may wait
    // hours in backoff, and nothing is mailing it now.
    if (mail_status === 'PENDING' && (await queue.hasJob(id))) continue;
    await queue.enqueue(id, policy, { now: true });
    queued.push(id);
  }
  return queued;
}
