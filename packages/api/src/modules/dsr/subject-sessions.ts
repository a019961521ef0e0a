import type { EntityManager } from '@mikro-orm/core';
import { ERASED_TEXT } from '../audit/audit-metadata-rule.ts';
import { ImpersonationSession } from '../impersonation/impersonation-session.entity.ts';
import type { SubjectId } from './subject-references.ts';

/**
 * Impersonation sessions stay (the record of an administrator's access to an account), but stop naming
 * the subject: their id becomes 0, which is no portal user, with their pseudonym beside it (the one the
 * audit log uses, so the session's events still line up); the administrator's free-text reason, which
 * may name them, becomes `[erased]`; where the subject was the administrator, their IP address and
 * browser go too. Returns the sessions changed.
 */
export async function pseudonymiseSessions(em: EntityManager, subject: SubjectId): Promise<number> {
  const { userId, pseudonym } = subject;
  const involved = { $or: [{ adminUserId: userId }, { impersonatedUserId: userId }] };
  await em.nativeUpdate(
    ImpersonationSession,
    { ...involved, reason: { $ne: null } },
    { reason: ERASED_TEXT },
  );
  const asAdmin = await em.nativeUpdate(
    ImpersonationSession,
    { adminUserId: userId },
    { adminUserId: 0, adminPseudonym: pseudonym, ip: '', userAgent: null },
  );
  const asImpersonated = await em.nativeUpdate(
    ImpersonationSession,
    { impersonatedUserId: userId },
    { impersonatedUserId: 0, impersonatedPseudonym: pseudonym },
  );
  return asAdmin + asImpersonated;
}
