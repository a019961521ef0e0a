import type { Principal } from '../identity/roles.ts';
import type { ImpersonationSession } from './impersonation-session.entity.ts';

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
