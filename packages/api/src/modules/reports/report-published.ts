import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../../errors.ts';
import { sql } from '../audit/audit-sql.ts';
import type { PublishedHead } from '../audit-publish/head-channel.ts';

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
  /** Tree heads signed since the week began and published outside (modules/audit-publish). */
  readonly publishedHeads: string[];
  constructor(week: string, mailedAt: Date | null, laterWeeks: string[], publishedHeads: string[] = []) {
    const why = [
      mailedAt ? `was mailed on ${mailedAt.toISOString()}` : null,
      laterWeeks.length > 0 ? `the digests of later weeks (${laterWeeks.join(', ')}) link to it` : null,
      publishedHeads.length > 0
        ? `signed tree heads covering its events were published (${publishedHeads.join('; ')})`
        : null,
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
    this.publishedHeads = publishedHeads;
  }
}

/**
 * Heads signed at or after `since` that went out on any channel (portal chat, witness): each commits to
 * the log as it was then, so a file re-made for a week they cover could only contradict them. The
 * newest few, described for the error.
 */
export async function headsPublishedSince(em: EntityManager, since: Date): Promise<string[]> {
  const rows = await sql<{ channel: string; target: string; tree_size: string; ts: string }>(
    em,
    `select channel, target, tree_size, head->>'timestamp' as ts from audit_head_publication
      where status = 'published' and (head->>'timestamp')::timestamptz >= ? order by tree_size desc limit 3`,
    [since],
  );
  return rows.map((r) => `${r.channel} ${r.target}: ${r.tree_size} events at ${r.ts}`);
}

/**
 * The same, from the channels themselves (the newest head each holds, read back where reachable): deleting
 * `audit_head_publication` rows does not hide a head still in the portal's chat or at a witness.
 */
export async function headsReadBackSince(
  read: (() => Promise<PublishedHead[]>) | undefined,
  since: Date,
): Promise<string[]> {
  const heads = read ? await read().catch(() => []) : [];
  return heads
    .filter((h) => Date.parse(h.head.timestamp) >= since.getTime())
    .map((h) => `${h.where}: ${h.head.treeSize} events at ${h.head.timestamp}`);
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
