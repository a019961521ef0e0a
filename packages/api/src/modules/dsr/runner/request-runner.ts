import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Bitrix24Error } from '../../../bitrix24/index.ts';
import type { Logger } from '../../../config/logger.ts';
import type { AuditEventDraft } from '../../audit/audit-record.ts';
import { DataSubjectRequest, type RequestType } from '../data-subject-request.entity.ts';
import { Lease, LeaseLostError } from './lease.ts';
import { createRunContext, type RunContext } from './run-context.ts';

/**
 * What a handler returns when its request ran to the end but did not get everything done: an erasure whose
 * verification sweep found the subject's data still on the portal. The request ends COMPLETED_WITH_EXCEPTIONS
 * with `result` (which lists what is left), never plain COMPLETED.
 */
export class FinishedWithExceptions {
  readonly result: Record<string, unknown>;
  constructor(result: Record<string, unknown>) {
    this.result = result;
  }
}

/** Does one type of request, resuming from `ctx.request.checkpoint`; returns the result to store. */
export type RequestHandler = (ctx: RunContext) => Promise<Record<string, unknown> | FinishedWithExceptions>;

export type RunOutcome = 'completed' | 'failed' | 'busy' | 'stopped' | 'retry-later';

export interface RunnerOptions {
  orm: MikroORM;
  handlers: Record<RequestType, RequestHandler>;
  /** Identifies this process in leases (host:pid). */
  owner: string;
  leaseMs: number;
  /** Runs that ended in a transient failure before the request is marked FAILED. */
  maxAttempts: number;
  logger: Logger;
  /** Called after a request reaches a final state (notifications, follow-up work). */
  onFinished?: (request: DataSubjectRequest) => Promise<void>;
  /** Writes the final state's audit event in the same transaction as the state. */
  audit?: (tx: EntityManager, drafts: AuditEventDraft[]) => Promise<unknown>;
}

/** Runs one request under a lease: claim, work with checkpoints, finish or hand back. */
export class RequestRunner {
  readonly #o: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.#o = options;
  }

  async run(requestId: string): Promise<RunOutcome> {
    const { orm, owner, leaseMs, logger } = this.#o;
    const em = orm.em.fork();
    const lease = new Lease(requestId, owner, leaseMs);
    if (!(await lease.claim(em))) return 'busy';
    const request = await em.findOneOrFail(DataSubjectRequest, requestId);
    const attempts = request.attempts + 1;
    await lease.renew(em, { attempts });
    if (attempts > this.#o.maxAttempts) {
      await this.#finish(em, lease, request, 'failed', {
        status: 'FAILED',
        finishedAt: new Date(),
        error: `Gave up after ${attempts - 1} attempts: ${request.error ?? 'unknown error'}`,
      });
      return 'failed';
    }

    const controller = new AbortController();
    // Long steps between checkpoints still keep the lease; a failed renewal means cancelled or taken over.
    const heartbeat = setInterval(
      () => {
        lease.renew(orm.em.fork()).catch((error: unknown) => controller.abort(error));
      },
      Math.max(200, leaseMs / 3),
    );
    const log = logger.child({ requestId, type: request.type });
    try {
      const outcome = await this.#o.handlers[request.type](
        createRunContext(request, em, lease, controller.signal),
      );
      const exceptions = outcome instanceof FinishedWithExceptions;
      const finishedAt = new Date();
      const done = await this.#finish(
        em,
        lease,
        request,
        exceptions ? 'completed_with_exceptions' : 'completed',
        {
          status: exceptions ? 'COMPLETED_WITH_EXCEPTIONS' : 'COMPLETED',
          result: exceptions ? outcome.result : outcome,
          error: null,
          finishedAt,
          progress: { ...request.progress, step: exceptions ? 'completed with exceptions' : 'completed' },
        },
      );
      if (!done) return 'stopped';
      log.info('request completed');
      await this.#finished(requestId);
      return 'completed';
    } catch (error) {
      if (
        error instanceof LeaseLostError ||
        (controller.signal.aborted && controller.signal.reason instanceof LeaseLostError)
      ) {
        log.info('request stopped: cancelled or taken over');
        return 'stopped';
      }
      const message = error instanceof Error ? error.message : String(error);
      if (isTransient(error)) {
        log.warn({ err: error }, 'request interrupted by a transient failure; it will resume');
        await lease.release(em, { error: message });
        return 'retry-later';
      }
      log.error({ err: error }, 'request failed');
      await this.#finish(em, lease, request, 'failed', {
        status: 'FAILED',
        error: message,
        finishedAt: new Date(),
      });
      await this.#finished(requestId);
      return 'failed';
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The final state and its audit event commit together. The event names the request, not the (maybe erased) subject. */
  #finish(
    em: EntityManager,
    lease: Lease,
    request: DataSubjectRequest,
    outcome: 'completed' | 'completed_with_exceptions' | 'failed',
    changes: Partial<DataSubjectRequest>,
  ): Promise<boolean> {
    return em.transactional(async (tx) => {
      const released = await lease.release(tx, changes);
      if (released && this.#o.audit) {
        await this.#o.audit(tx, [
          {
            action: `dsr.${request.type.toLowerCase()}.${outcome}`,
            actorId: null,
            source: 'api',
            target: { type: 'request', id: request.id },
            metadata: {
              type: request.type,
              source: request.source,
              ...(changes.error ? { error: changes.error } : {}),
            },
          },
        ]);
      }
      return released;
    });
  }

  async #finished(requestId: string): Promise<void> {
    if (!this.#o.onFinished) return;
    const request = await this.#o.orm.em.fork().findOneOrFail(DataSubjectRequest, requestId);
    await this.#o
      .onFinished(request)
      .catch((err: unknown) => this.#o.logger.warn({ err, requestId }, 'after-run hook failed'));
  }
}

/** Worth another attempt later: the portal was unreachable or throttling after the client's own retries. */
function isTransient(error: unknown): boolean {
  return error instanceof Bitrix24Error && error.retryable;
}
