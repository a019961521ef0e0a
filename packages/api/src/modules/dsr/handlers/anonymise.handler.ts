import type { AppServices } from '../../../app-services.ts';
import { anonymiseProfile } from '../anonymise/anonymise-profile.ts';
import type { RequestHandler } from '../runner/request-runner.ts';
import { rememberSubject, type SubjectCheckpoint, settledOutcome, settleOwnRecords } from './subject.ts';

interface AnonymiseCheckpoint extends SubjectCheckpoint {
  profileChanged?: string[];
  profileAt?: string;
}

/** Anonymisation: the portal profile takes the pseudonym; this system's records about the subject follow. */
export function anonymiseHandler(services: Omit<AppServices, 'runner'>): RequestHandler {
  return async (ctx) => {
    const settled = settledOutcome(ctx);
    if (settled) return settled;
    const portal = services.portal.client;
    const subject = await rememberSubject(ctx, portal);
    const { subjectUserId } = subject;
    let cp = ctx.request.checkpoint as AnonymiseCheckpoint;
    if (!cp.profileAt) {
      await ctx.progress({ step: 'anonymising the profile', done: 0, total: 2 });
      const outcome = await anonymiseProfile({
        portal,
        subjectUserId,
        pseudonymFor: (id) => services.secret.pseudonymFor(id),
        signal: ctx.signal,
      });
      await ctx.checkpoint(
        { profileAt: new Date().toISOString(), profileChanged: outcome.changed },
        { step: 'profile anonymised', done: 1, total: 2 },
      );
      cp = ctx.request.checkpoint as AnonymiseCheckpoint;
    }
    return settleOwnRecords(
      ctx,
      services,
      { ...subject, mode: 'anonymise' },
      { step: 'own records pseudonymised', done: 2, total: 2 },
      {
        pseudonym: services.secret.pseudonymFor(subjectUserId),
        profile: { changed: cp.profileChanged ?? [] },
        messages: [
          'The profile now shows the pseudonym; posts and messages stay but no longer name the employee.',
        ],
      },
    );
  };
}
