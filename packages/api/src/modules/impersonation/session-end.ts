import type { AuditEventDraft } from '../audit/audit-record.ts';
import type { ImpersonationSession, SessionEndReason } from './impersonation-session.entity.ts';

export interface SessionEnd {
  endedAt: Date | null;
  endReason: SessionEndReason | null;
}

/**
 * When and why a session ended, as of `now`: what is recorded, or, for a session nobody closed, its
 * deadline once that has passed. Reads show this, so a session the time-out job has not reached yet looks
 * the same as one it has closed, and nothing is written to show it.
 */
export function endOf(session: ImpersonationSession, timeoutMs: number, now: Date): SessionEnd {
  if (session.endedAt) return { endedAt: session.endedAt, endReason: session.endReason ?? null };
  const deadline = new Date(session.startedAt.getTime() + timeoutMs);
  return deadline <= now ? { endedAt: deadline, endReason: 'TIMED_OUT' } : { endedAt: null, endReason: null };
}

/**
 * The end to record when an open session is closed now for `reason`. One already past its deadline
 * ended then, whoever closes it later: the record says when it really ended.
 */
export function closingOf(
  session: ImpersonationSession,
  timeoutMs: number,
  reason: SessionEndReason,
  now: Date,
): { endedAt: Date; endReason: SessionEndReason } {
  const { endedAt, endReason } = endOf(session, timeoutMs, now);
  return endedAt && endReason ? { endedAt, endReason } : { endedAt: now, endReason: reason };
}

export function sessionFields(session: ImpersonationSession): Omit<AuditEventDraft, 'action' | 'source'> {
  return {
    actorId: session.adminUserId,
    onBehalfOfId: session.impersonatedUserId,
    sessionKey: session.sessionKey,
    ip: session.ip,
    userAgent: session.userAgent,
    target: { type: 'user', id: session.impersonatedUserId },
  };
}

export function endedEvent(session: ImpersonationSession): AuditEventDraft {
  return {
    ...sessionFields(session),
    action: 'impersonation.ended',
    occurredAt: session.endedAt ?? new Date(),
    metadata: { sessionId: session.id, reason: session.endReason },
    source: session.source,
    // One end per session, however many times it is reported or closed.
    idempotencyKey: `impersonation-ended:${session.id}`,
  };
}
