import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../../errors.ts';
import { sql } from '../audit/audit-sql.ts';
import { WeeklyReport } from './weekly-report.entity.ts';

/** `pg_advisory_xact_lock(REPORT_CHAIN_LOCK)`: one file joins the chain of digests at a time. */
const REPORT_CHAIN_LOCK = [0x62323467, 0x72707274] as const; // "b24g", "rprt"

/**
 * The weekly digests form a chain: each carries the SHA-256 of the stored file before it. A week whose
 * digest a later file links to is fixed for good; only the newest week may be made (again).
 */
export class ReportChainError extends DomainError {
  override name = 'ReportChainError';
  readonly week: string;
  readonly laterWeeks: string[];
  constructor(week: string, laterWeeks: string[], stored: boolean) {
    super(
      stored
        ? `${week} cannot be made anew: the digest of ${laterWeeks[0]} now links to its file.`
        : `${week} has no stored file and cannot be made: later weeks are stored (${laterWeeks.join(', ')}) ` +
            `and the digest of ${laterWeeks[0]} already links to the file before ${week}, so a file made ` +
            'now would stand outside the chain of digests.',
    );
    this.week = week;
    this.laterWeeks = laterWeeks;
  }
}

/** The stored weeks after `week`, oldest first (ISO weeks compare as text). */
export async function laterWeeks(em: EntityManager, week: string): Promise<string[]> {
  const rows = await sql<{ week: string }>(
    em,
    'select week from weekly_report where week > ? order by week',
    [week],
  );
  return rows.map((r) => r.week);
}

/** The stored file the week's digest links to: the latest week before it. */
export function predecessorOf(em: EntityManager, week: string): Promise<WeeklyReport | null> {
  return em.findOne(WeeklyReport, { week: { $lt: week } }, { orderBy: { week: 'desc' } });
}

/**
 * Takes the chain lock for the caller's transaction and checks that the file built for `week` (linked to
 * `linkedTo`) may still be stored: no later week appeared and the predecessor is still the one it links to,
 * whatever another process stored while it was being built.
 */
export async function lockChainFor(
  tx: EntityManager,
  week: string,
  linkedTo: string | null,
  stored: boolean,
): Promise<void> {
  await sql(tx, 'select pg_advisory_xact_lock(?, ?)', [...REPORT_CHAIN_LOCK]);
  const later = await laterWeeks(tx, week);
  if (later.length > 0) throw new ReportChainError(week, later, stored);
  const [predecessor] = await sql<{ digest_hash: string }>(
    tx,
    'select digest_hash from weekly_report where week < ? order by week desc limit 1',
    [week],
  );
  if ((predecessor?.digest_hash ?? null) !== linkedTo)
    throw new Error(`${week}: the file before it changed while this one was made; run it again.`);
}
