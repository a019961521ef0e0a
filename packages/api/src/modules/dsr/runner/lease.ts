import type { EntityManager } from '@mikro-orm/core';
import { DataSubjectRequest } from '../data-subject-request.entity.ts';

/** The runner lost its request: cancelled, or its lease expired and someone else took over. It stops quietly. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * A request is worked on by whoever holds its lease. Claiming is one conditional UPDATE, so two workers
 * (or a stale pg-boss retry and a sweep) can never run the same request at once; a killed worker's lease
 * simply runs out.
 */
export class Lease {
  readonly requestId: string;
  readonly owner: string;
  readonly #ms: number;

  constructor(requestId: string, owner: string, ms: number) {
    this.requestId = requestId;
    this.owner = owner;
    this.#ms = ms;
  }

  async claim(em: EntityManager, now = new Date()): Promise<boolean> {
    const claimed = await em.nativeUpdate(
      DataSubjectRequest,
      {
        id: this.requestId,
        status: { $in: ['PENDING', 'RUNNING'] },
        $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }, { leaseOwner: this.owner }],
      },
      { status: 'RUNNING', leaseOwner: this.owner, leaseUntil: this.#until(now), updatedAt: now },
    );
    if (claimed === 1) {
      await em.nativeUpdate(DataSubjectRequest, { id: this.requestId, startedAt: null }, { startedAt: now });
    }
    return claimed === 1;
  }

  /** Extends the lease, writing `changes` with it; throws LeaseLostError when the request is no longer ours. */
  async renew(em: EntityManager, changes: Partial<DataSubjectRequest> = {}, now = new Date()): Promise<void> {
    const renewed = await em.nativeUpdate(
      DataSubjectRequest,
      { id: this.requestId, leaseOwner: this.owner, status: 'RUNNING' },
      { ...changes, leaseUntil: this.#until(now), updatedAt: now },
    );
    if (renewed !== 1)
      throw new LeaseLostError(`request ${this.requestId} is no longer held by ${this.owner}`);
  }

  /** Ends the run with a final state (COMPLETED, FAILED) or hands the request back (PENDING stays RUNNING, lease cleared). */
  async release(em: EntityManager, changes: Partial<DataSubjectRequest>): Promise<boolean> {
    const released = await em.nativeUpdate(
      DataSubjectRequest,
      { id: this.requestId, leaseOwner: this.owner, status: 'RUNNING' },
      { ...changes, leaseOwner: null, leaseUntil: null, updatedAt: new Date() },
    );
    return released === 1;
  }

  #until(now: Date): Date {
    return new Date(now.getTime() + this.#ms);
  }
}
