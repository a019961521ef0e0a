import type { NoticeSession } from '../ui/ImpersonationNotice.tsx';

/** Sessions in which `userId` was impersonated and that this browser has not acknowledged. */
export function unacknowledged(
  sessions: readonly (NoticeSession & { impersonatedUserId: number })[],
  userId: number,
  acknowledged: readonly string[],
): NoticeSession[] {
  const seen = new Set(acknowledged);
  return sessions
    .filter((s) => s.impersonatedUserId === userId && !seen.has(s.id))
    .map(({ id, adminUserId, adminName, startedAt }) => ({ id, adminUserId, adminName, startedAt }));
}
