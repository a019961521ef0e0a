import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../../errors.ts';
import { sql } from '../audit/audit-sql.ts';

/**
 * A week whose file went out (mailed at least once) or that later digests link to is fixed: it is never
 * made or signed again, by any path (`report weekly --force`, the scheduled run). Its recipients hold the
 * signed original; a second, different file for the same week would let whoever makes it rewrite the past.
 * `report resend` mails the stored file again, byte for byte.
 */
export class ReportPublishedError extends DomainError {
  override name = 'ReportPublishedError';
  readonly week: string;
  readonly mailedAt: Date | null;
  readonly laterWeeks: string[];
  constructor(week: string, mailedAt: Date | null, laterWeeks: string[]) {
    const why = [
      mailedAt ? `was mailed on ${mailedAt.toISOString()}` : null,
      laterWeeks.length > 0 ? `the digests of later weeks (${laterWeeks.join(', ')}) link to it` : null,
    ]
      .filter(Boolean)
      .join(' and ');
    super(
      `${week} is published (${why}): its signed file is not made or signed again. ` +
        `\`b24-gdpr report resend --week ${week}\` mails the stored file again, unchanged.`,
    );
    this.week = week;
    this.mailedAt = mailedAt;
    this.laterWeeks = laterWeeks;
  }
}

/** Under the chain lock: refuses to replace a stored file that was mailed meanwhile. */
export async function refuseIfMailed(tx: EntityManager, reportId: string, week: string): Promise<void> {
  const [row] = await sql<{ mailed_at: Date | string | null }>(
    tx,
    'select mailed_at from weekly_report where id = ? for update',
    [reportId],
  );
  if (row?.mailed_at) throw new ReportPublishedError(week, new Date(row.mailed_at), []);
}
