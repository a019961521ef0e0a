import { type EntityManager, LockMode } from '@mikro-orm/core';
import type { AuditService } from '../audit/audit.service.ts';
import { ImpersonationSession } from './impersonation-session.entity.ts';
import { closingOf, endedEvent } from './session-end.ts';

/**
 * Closes every open session whose deadline (start + time-out) has passed, as having ended at that
 * deadline, in batches: each batch's closures and their `impersonation.ended` events commit together.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so two runs at once close disjoint sets; a session another
 * transaction closed meanwhile no longer matches `ended_at IS NULL` and is left alone.
 */
export async function closeTimedOutSessions(
  em: EntityManager,
  audit: AuditService,
  timeoutMs: number,
  options: { now?: Date; batchSize?: number } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 100;
  const cutoff = new Date(now.getTime() - timeoutMs);
  let closed = 0;
  for (;;) {
    // A fresh fork per batch: the identity map must not hand back a session read before it was locked.
    const count = await em.fork().transactional(async (tx) => {
      const due = await tx.find(
        ImpersonationSession,
        { endedAt: null, startedAt: { $lte: cutoff } },
        {
          orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
          limit: batchSize,
          lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
        },
      );
      for (const session of due) Object.assign(session, closingOf(session, timeoutMs, 'TIMED_OUT', now));
      await tx.flush();
      await audit.append(tx, due.map(endedEvent));
      return due.length;
    });
    closed += count;
    // Fewer than a batch: nothing left, or the rest is claimed by another run.
    if (count < batchSize) return closed;
  }
}
