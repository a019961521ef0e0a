import type { AppServices } from '../../../app-services.ts';
import type { Bitrix24Client } from '../../../bitrix24/index.ts';
import type { PortalConnection } from '../../portal/connect.ts';
import type { RequestProgress } from '../data-subject-request.entity.ts';
import { loginHashesOf, type OwnRecordsMode, pseudonymiseOwnRecords } from '../own-records.ts';
import type { RunContext } from '../runner/run-context.ts';
import { pseudonymiseJson } from '../subject-references.ts';

export interface SubjectCheckpoint {
  /** Kept here because the request row itself loses the id once the subject's records are pseudonymised. */
  subjectUserId?: number;
  /** Hashes of the subject's logins, read while the profile still has the e-mail. */
  loginHashes?: string[];
  /** How texts name the subject (full name, e-mail), read with it; forgotten with the id. */
  mentions?: string[];
  ownRecordsAt?: string;
  ownRecords?: unknown;
  /** The request's result, kept from the step that forgot the subject's id until the runner stores it. */
  outcome?: Record<string, unknown>;
}

/** The result of a request whose last step is done (a resume after it has nothing left to do). */
export function settledOutcome(ctx: RunContext): Record<string, unknown> | undefined {
  return (ctx.request.checkpoint as SubjectCheckpoint).outcome;
}

/** Who the request is about, remembered in the checkpoint before anything about them changes. */
export async function rememberSubject(ctx: RunContext, portal: Bitrix24Client): Promise<RememberedSubject> {
  const cp = ctx.request.checkpoint as SubjectCheckpoint;
  if (cp.subjectUserId && cp.loginHashes)
    return { subjectUserId: cp.subjectUserId, loginHashes: cp.loginHashes, mentions: cp.mentions ?? [] };
  const subjectUserId = ctx.request.subjectUserId!;
  const [user] = await portal.call('user.get', { FILTER: { ID: subjectUserId }, ADMIN_MODE: true });
  const loginHashes = loginHashesOf(subjectUserId, user?.EMAIL);
  const mentions = [`${user?.NAME ?? ''} ${user?.LAST_NAME ?? ''}`.trim(), user?.EMAIL ?? ''].filter(Boolean);
  await ctx.checkpoint({ subjectUserId, loginHashes, mentions });
  return { subjectUserId, loginHashes, mentions };
}

/** A user's own client, only while the connection says their credentials are usable. */
export async function usableCredentials(
  portal: Pick<PortalConnection, 'credentialsFor' | 'credentialStatus'>,
  userId: number,
): Promise<Bitrix24Client | undefined> {
  if ((await portal.credentialStatus(userId)).state !== 'usable') return undefined;
  return portal.credentialsFor(userId);
}

export interface RememberedSubject {
  subjectUserId: number;
  loginHashes: string[];
  mentions: string[];
}

/**
 * The last step of anonymisation and erasure: this system's records about the subject are deleted or
 * pseudonymised, and so are their ids in the audit log (whose chain still verifies). Once per request.
 * The same checkpoint that records it forgets the subject's id and login hashes and keeps the request's
 * `result` (with `ownRecords`, pseudonymised like the rest), which a resume returns (`settledOutcome`).
 */
export async function settleOwnRecords(
  ctx: RunContext,
  services: Pick<AppServices, 'secret' | 'audit' | 'directory' | 'principals' | 'exports' | 'impersonation'>,
  subject: RememberedSubject & { mode: OwnRecordsMode },
  progress: RequestProgress,
  result: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { subjectUserId, loginHashes, mentions, mode } = subject;
  // Before the sessions lose the id: the alerts are found by it. Our own text on the portal naming them.
  const alerts = await services.impersonation.rewordAlertsAbout(
    ctx.em.fork(),
    subjectUserId,
    services.secret.pseudonymFor(subjectUserId),
  );
  result = withAlertExceptions({ ...result, portalAlerts: alerts }, alerts.failed);
  const ownRecords = await pseudonymiseOwnRecords(ctx.em.fork(), services, {
    userId: subjectUserId,
    loginHashes,
    mentions,
    mode,
    requestId: ctx.request.id,
  });
  const audit = await services.audit.pseudonymiseSubject(ctx.em.fork(), subjectUserId);
  const id = { userId: subjectUserId, pseudonym: services.secret.pseudonymousId(subjectUserId) };
  const outcome = pseudonymiseJson(
    { ...result, ownRecords: { ...ownRecords, auditEvents: audit.events } },
    id,
  ) as Record<string, unknown>;
  const forgotten = pseudonymiseJson(ctx.request.checkpoint, id) as Record<string, unknown>;
  await ctx.checkpoint(
    {
      ...forgotten,
      subjectUserId: undefined,
      loginHashes: undefined,
      mentions: undefined,
      ownRecordsAt: new Date().toISOString(),
      ownRecords: outcome.ownRecords,
      outcome,
    },
    progress,
  );
  services.directory.forget(subjectUserId);
  // Their tokens were revoked and auditor grant removed: this process stops accepting them now.
  services.principals.forget();
  return outcome;
}

/** An alert that still names the subject is left over like anything the sweep found (erasure only). */
function withAlertExceptions(
  result: Record<string, unknown>,
  failed: { messageId: number; error: string }[],
): Record<string, unknown> {
  const verification = result.verification as { leftOver: unknown[] } | null | undefined;
  if (!verification || failed.length === 0) return result;
  const leftOver = [
    ...verification.leftOver,
    ...failed.map((f) => ({
      category: 'alert-message',
      portalId: String(f.messageId),
      label: `Our impersonation alert naming the subject could not be rewritten (${f.error})`,
    })),
  ];
  return { ...result, verification: { ...verification, leftOver } };
}
