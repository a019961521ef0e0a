import type { EntityManager } from '@mikro-orm/core';
import { DataSubjectRequest } from '../modules/dsr/data-subject-request.entity.ts';
import type { RequestQueue } from '../modules/dsr/request.service.ts';

/**
 * Finds requests nobody is working on: pending ones whose dispatch may have been lost, and running ones
 * whose runner died (its lease ran out). Dispatching twice is harmless: the lease admits one runner.
 */
export async function sweepRequests(
  em: EntityManager,
  queue: RequestQueue,
  now = new Date(),
): Promise<number> {
  const idle = await em.find(
    DataSubjectRequest,
    { status: { $in: ['PENDING', 'RUNNING'] }, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
    { fields: ['id'], limit: 200, orderBy: { createdAt: 'asc' } },
  );
  for (const { id } of idle) await queue.enqueue(id);
  return idle.length;
}
