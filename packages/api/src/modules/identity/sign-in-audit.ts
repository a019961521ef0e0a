import type { AuditEventDraft } from '../audit/audit-record.ts';
import type { AppSecret } from '../settings/app-secret.ts';

/**
 * `auth.code.requested`, written with the request's rate-limit row, before the reply. The same for every
 * login, existing or not: who asked (if signed in), from where, and a keyed hash of the login, so an
 * auditor can see one login asked for again and again without the log holding e-mail addresses.
 */
export function codeRequestedEvent(
  secret: AppSecret,
  normalisedLogin: string,
  from: { actorId: number | null; ip: string | null; userAgent: string | null },
): AuditEventDraft {
  return {
    action: 'auth.code.requested',
    ...from,
    source: 'api',
    metadata: { loginKey: secret.mac('sign-in-login', normalisedLogin).slice(0, 32) },
  };
}

/**
 * `auth.code.sent`, written with the new code after the reply (so its timing tells the requester
 * nothing), naming the user it went to and never the code. The requester cannot read it: employees read
 * only events about themselves, and this one is about the code's recipient.
 */
export function codeIssuedEvent(userId: number): AuditEventDraft {
  return {
    action: 'auth.code.sent',
    actorId: null,
    source: 'api',
    target: { type: 'user', id: userId },
    metadata: { channel: 'im.notify.system.add' },
  };
}
