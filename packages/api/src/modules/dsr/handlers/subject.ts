import type { AppServices } from '../../../app-services.ts';
import type { Bitrix24Client } from '../../../bitrix24/index.ts';
import type { RequestProgress } from '../data-subject-request.entity.ts';
import { loginHashesOf, pseudonymiseOwnRecords } from '../own-records.ts';
import type { RunContext } from '../runner/run-context.ts';

export interface SubjectCheckpoint {
  /** Kept here because the request row itself loses the id once the subject's records are pseudonymised. */
  subjectUserId?: number;
  /** Hashes of the subject's logins, read while the profile still has the e-mail. */
  loginHashes?: string[];
  ownRecordsAt?: string;
  ownRecords?: unknown;
}

/** Who the request is about, remembered in the checkpoint before anything about them changes. */
export async function rememberSubject(
  ctx: RunContext,
  portal: Bitrix24Client,
): Promise<{ subjectUserId: number; loginHashes: string[] }> {
  const cp = ctx.request.checkpoint as SubjectCheckpoint;
  if (cp.subjectUserId && cp.loginHashes)
    return { subjectUserId: cp.subjectUserId, loginHashes: cp.loginHashes };
  const subjectUserId = ctx.request.subjectUserId!;
  const [user] = await portal.call('user.get', { FILTER: { ID: subjectUserId }, ADMIN_MODE: true });
  const loginHashes = loginHashesOf(subjectUserId, user?.EMAIL);
  await ctx.checkpoint({ subjectUserId, loginHashes });
  return { subjectUserId, loginHashes };
}

/**
 * The last step of anonymisation and erasure: this system's records about the subject are deleted or
 * pseudonymised, and so are their ids in the audit log (whose chain still verifies). Once per request.
 */
export async function settleOwnRecords(
  ctx: RunContext,
  services: Pick<AppServices, 'secret' | 'audit' | 'directory' | 'principals'>,
  subject: { subjectUserId: number; loginHashes: string[] },
  progress: RequestProgress,
): Promise<unknown> {
  const cp = ctx.request.checkpoint as SubjectCheckpoint;
  if (!cp.ownRecordsAt) {
    const { subjectUserId, loginHashes } = subject;
    const ownRecords = await pseudonymiseOwnRecords(
      ctx.em.fork(),
      services.secret,
      subjectUserId,
      loginHashes,
    );
    const audit = await services.audit.pseudonymiseSubject(ctx.em.fork(), subjectUserId);
    await ctx.checkpoint(
      { ownRecordsAt: new Date().toISOString(), ownRecords: { ...ownRecords, auditEvents: audit.events } },
      progress,
    );
  }
  services.directory.forget(subject.subjectUserId);
  // Their tokens were revoked and auditor grant removed: this process stops accepting them now.
  services.principals.forget();
  return (ctx.request.checkpoint as SubjectCheckpoint).ownRecords;
}
