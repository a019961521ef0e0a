import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import type { Principal } from '../identity/roles.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import { ImpersonationSession } from './impersonation-session.entity.ts';

/**
 * A session key (SHA-256 of `bitrix_sessid`) is what ties an audit event to an impersonation session: who
 * holds it can make their events read as actions of that session. So it is shown only to the user whose
 * session it is; everybody else (the impersonated employee, auditors, other administrators) gets
 * `sessionRef`, a keyed identifier that links the same session across events, versions and sessions but
 * cannot be sent back as a key.
 */
export function sessionRefOf(secret: AppSecret, sessionKey: string | null): string | null {
  return sessionKey === null ? null : secret.mac('session-ref', sessionKey.toLowerCase()).slice(0, 32);
}

/** The key itself, for its owner only (the user id whose session it is); null for everyone else. */
export function sessionKeyFor(principal: Principal, ownerUserId: number | string | null, key: string | null) {
  const own =
    principal.kind === 'user' && ownerUserId !== null && String(ownerUserId) === String(principal.userId);
  return own ? key : null;
}

/**
 * Refuses events that carry the key of an impersonation session whose administrator is not the event's
 * actor: only the administrator's own recordings may be listed among the session's actions.
 */
export async function checkSessionKeyOwners(
  em: EntityManager,
  events: readonly { actorId: number | null; sessionKey: string | null }[],
): Promise<void> {
  const keys = [...new Set(events.flatMap((e) => (e.sessionKey ? [e.sessionKey] : [])))];
  if (keys.length === 0) return;
  const sessions = await em.find(
    ImpersonationSession,
    { sessionKey: { $in: keys } },
    { fields: ['adminUserId', 'sessionKey'] },
  );
  const admins = new Map<string, Set<number>>();
  for (const s of sessions)
    admins.set(s.sessionKey, (admins.get(s.sessionKey) ?? new Set()).add(s.adminUserId));
  for (const [index, e] of events.entries()) {
    const owners = e.sessionKey ? admins.get(e.sessionKey) : undefined;
    if (owners && (e.actorId === null || !owners.has(e.actorId))) {
      throw new InvalidInputError(
        `events.${index}.sessionKey`,
        "This session key belongs to another user's impersonation session.",
      );
    }
  }
}
