import type { PgBoss } from 'pg-boss';
import type { RequestQueue } from '../modules/dsr/request.service.ts';
import { JOBS } from './job-names.ts';

/** Requests are dispatched as pg-boss jobs; transient failures come back with exponential backoff. */
export class BossRequestQueue implements RequestQueue {
  readonly #boss: PgBoss;

  constructor(boss: PgBoss) {
    this.#boss = boss;
  }

  async enqueue(requestId: string): Promise<void> {
    await this.#boss.send(
      JOBS.runRequest,
      { requestId },
      { singletonKey: requestId, retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 3600 },
    );
  }
}
