import type { AppServices } from '../../../app-services.ts';
import { readErasureCheckpoint } from '../erasure/checkpoint.ts';
import type { ErasurePlan } from '../erasure/plan.ts';
import { runErasure } from '../erasure/run-erasure.ts';
import { FinishedWithExceptions, type RequestHandler } from '../runner/request-runner.ts';
import { SubjectTokenRevokedError, subjectTokenDied } from '../subject-credentials.ts';
import { rememberSubject, settledOutcome, settleOwnRecords, usableCredentials } from './subject.ts';
import { throttle } from './throttle.ts';

/**
 * Erasure: the plan collected again, the ledger's items deleted exactly once, the profile anonymised, the
 * portal swept for anything left, the account deactivated (the engine's steps), then this system's own
 * records are deleted or pseudonymised. A sweep that found something left ends the request
 * COMPLETED_WITH_EXCEPTIONS.
 */
export function eraseHandler(services: Omit<AppServices, 'runner'>): RequestHandler {
  return async (ctx) => {
    const settled = settledOutcome(ctx);
    if (settled) return withExceptions(settled);
    const portal = services.portal.client;
    const subject = await rememberSubject(ctx, portal);
    const { subjectUserId } = subject;
    const report = throttle(500, (done: number, total: number) =>
      ctx.progress({ step: 'deleting content', done, total }),
    );
    const connection = services.portal;
    const result = await runErasure({
      em: ctx.em.fork(),
      requestId: ctx.request.id,
      subjectUserId,
      clients: {
        admin: portal,
        adminUserId: connection.adminUserId,
        asSubject: await usableCredentials(connection, subjectUserId),
        readerFor: memoised((userId) => usableCredentials(connection, userId)),
      },
      signal: ctx.signal,
      onProgress: report,
      pseudonymFor: (id) => services.secret.pseudonymFor(id),
      checkpoint: readErasureCheckpoint(ctx.request.checkpoint),
      saveCheckpoint: (patch) => ctx.checkpoint(patch),
      previewDigests: (ctx.request.preview as Partial<ErasurePlan> | null)?.categoryDigests,
    }).catch(async (error: unknown) => {
      if (!(await subjectTokenDied(error, connection, subjectUserId))) throw error;
      // Raised while reading as the subject: the inventory, or a read-back before deactivation. The
      // ledger records every deletion asked of the portal, so nothing is left half-done or done twice.
      throw new SubjectTokenRevokedError(
        'the erasure was reading their content with it',
        'What was deleted before is recorded in the erasure ledger; nothing else was changed.',
      );
    });
    const outcome = await settleOwnRecords(
      ctx,
      services,
      { ...subject, mode: 'erase' },
      { step: 'own records erased', done: 1, total: 1 },
      { ...result },
    );
    return withExceptions(outcome);
  };
}

/**
 * A read-back asks for the same members' credentials for every message of a chat: look each up once a
 * run (a credential that dies meanwhile fails its read, which keeps the item as unconfirmed).
 */
function memoised<T>(lookUp: (userId: number) => Promise<T>): (userId: number) => Promise<T> {
  const seen = new Map<number, Promise<T>>();
  return (userId) => {
    let found = seen.get(userId);
    if (!found) {
      // A failed look-up is not kept: the next item asks again.
      found = lookUp(userId).catch((error: unknown) => {
        seen.delete(userId);
        throw error;
      });
      seen.set(userId, found);
    }
    return found;
  };
}

/**
 * The sweep found something of the subject's that the result does not list as kept. Read from the
 * stored outcome, so a run resumed after its last step ends with the same status.
 */
function withExceptions(outcome: Record<string, unknown>): Record<string, unknown> | FinishedWithExceptions {
  const verification = outcome.verification as { leftOver?: unknown[] } | undefined;
  return verification?.leftOver?.length ? new FinishedWithExceptions(outcome) : outcome;
}
