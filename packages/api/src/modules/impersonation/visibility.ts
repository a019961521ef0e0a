import type { EntityManager } from '@mikro-orm/core';
import { looksLikeUuid } from '../../db/uuid.ts';
import type { Principal } from '../identity/roles.ts';
import { ImpersonationSession } from './impersonation-session.entity.ts';

/** Auditors and administrators see every session; an employee, the sessions in which they were impersonated. */
export function seesAllSessions(principal: Principal): boolean {
  if (principal.kind === 'integrator') return principal.scopes.has('audit:read');
  return principal.kind === 'user' && (principal.roles.has('ADMIN') || principal.roles.has('AUDITOR'));
}

export function canSeeSession(principal: Principal, session: ImpersonationSession): boolean {
  if (seesAllSessions(principal)) return true;
  return (
    principal.kind === 'user' &&
    (session.impersonatedUserId === principal.userId || session.adminUserId === principal.userId)
  );
}

/** The session with this id if the caller may see it; null otherwise (callers answer both as "not found"). */
export async function findVisibleSession(
  em: EntityManager,
  principal: Principal,
  id: string,
): Promise<ImpersonationSession | null> {
  const session = looksLikeUuid(id) ? await em.findOne(ImpersonationSession, { id }) : null;
  return session && canSeeSession(principal, session) ? session : null;
}
