import type { AppServices } from '../../../app-services.ts';
import { readErasureCheckpoint } from '../erasure/checkpoint.ts';
import { runErasure } from '../erasure/run-erasure.ts';
import type { RequestHandler } from '../runner/request-runner.ts';
import { rememberSubject, settledOutcome, settleOwnRecords } from './subject.ts';
import { throttle } from './throttle.ts';

/**
 * Erasure: the confirmed ledger's items are deleted exactly once, the profile anonymised, the account
 * deactivated (the engine's steps), then this system's own records are deleted or pseudonymised.
 */
export function eraseHandler(services: Omit<AppServices, 'runner'>): RequestHandler {
  return async (ctx) => {
    const settled = settledOutcome(ctx);
    if (settled) return settled;
    const portal = services.portal.client;
    const subject = await rememberSubject(ctx, portal);
    const { subjectUserId } = subject;
    const report = throttle(500, (done: number, total: number) =>
      ctx.progress({ step: 'deleting content', done, total }),
    );
    const result = await runErasure({
      em: ctx.em.fork(),
      requestId: ctx.request.id,
      subjectUserId,
      clients: { admin: portal, asSubject: services.portal.asUser(subjectUserId) },
      signal: ctx.signal,
      onProgress: report,
      pseudonymFor: (id) => services.secret.pseudonymFor(id),
      checkpoint: readErasureCheckpoint(ctx.request.checkpoint),
      saveCheckpoint: (patch) => ctx.checkpoint(patch),
    });
    return settleOwnRecords(
      ctx,
      services,
      { ...subject, mode: 'erase' },
      { step: 'own records erased', done: 1, total: 1 },
      { ...result },
    );
  };
}
