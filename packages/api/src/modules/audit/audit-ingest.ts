import { isIP } from 'node:net';
import { isReservedAction } from '@b24-gdpr/shared';
import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError, ReservedActionError } from '../../errors.ts';
import type { Principal } from '../identity/roles.ts';
import { sha256Hex } from '../identity/secrets.ts';
import { ImpersonationSession } from '../impersonation/impersonation-session.entity.ts';
import { checkSessionKeyOwners } from '../impersonation/session-keys.ts';
import type { AuditService } from './audit.service.ts';
import { type AuditEventInput, parseEventInput } from './audit-event-input.ts';
import type { AuditEventDraft } from './audit-record.ts';

export const MAX_EVENTS_PER_CALL = 500;
const FUTURE_SLACK_MS = 5 * 60_000;
const OLDEST_MS = 400 * 86_400_000;

export interface RecordOutcome {
  stored: number;
  duplicates: number;
}

/**
 * `recordEvents`: validates a batch at the edge and appends it. A user records their own sessions: the
 * actor is always them, the IP and browser those of the request, the source the extension or the API.
 * An integrator (`audit:write`) names the actor and may relay portal events. Idempotency keys are scoped
 * to the submitter, so nobody can claim (and so suppress) another submitter's keys.
 */
export async function recordEvents(
  audit: Pick<AuditService, 'append'>,
  em: EntityManager,
  principal: Principal,
  request: { ip: string; userAgent: string | null },
  inputs: readonly AuditEventInput[],
  now = new Date(),
): Promise<RecordOutcome> {
  if (principal.kind === 'anonymous')
    throw new Error('unreachable: scope-auth admits only signed-in callers');
  if (inputs.length === 0 || inputs.length > MAX_EVENTS_PER_CALL) {
    throw new InvalidInputError('events', `Send between 1 and ${MAX_EVENTS_PER_CALL} events.`);
  }
  const drafts = inputs.map((input, index): AuditEventDraft => {
    const event = parseEventInput(input, index);
    const at = event.occurredAt.getTime();
    if (at > now.getTime() + FUTURE_SLACK_MS || at < now.getTime() - OLDEST_MS) {
      throw new InvalidInputError(`events.${index}.occurredAt`, 'occurredAt is in the future or too old.');
    }
    if ((event.targetType == null) !== (event.targetId == null)) {
      throw new InvalidInputError(
        `events.${index}.targetId`,
        'Give both targetType and targetId, or neither.',
      );
    }
    const base = {
      action: event.action,
      occurredAt: event.occurredAt,
      onBehalfOfId: event.onBehalfOfId ?? null,
      sessionToken: event.sessionToken ?? null,
      sessionKey: event.sessionKey?.toLowerCase() ?? null,
      target: event.targetType && event.targetId ? { type: event.targetType, id: event.targetId } : null,
      metadata: event.metadata ?? {},
      idempotencyKey: event.idempotencyKey,
    };
    if (principal.kind === 'user') {
      if (event.actorId != null && event.actorId !== principal.userId) {
        throw new InvalidInputError(`events.${index}.actorId`, 'You can only record your own actions.');
      }
      const source = event.source ?? 'extension';
      if (source !== 'extension' && source !== 'api') {
        throw new InvalidInputError(
          `events.${index}.source`,
          'Users record events from the extension or the API.',
        );
      }
      return {
        ...base,
        actorId: principal.userId,
        ip: isIP(request.ip) ? request.ip : null,
        userAgent: request.userAgent?.slice(0, 512) ?? null,
        source,
      };
    }
    // The product's own security actions are written when they happen, never relayed.
    if (isReservedAction(event.action)) throw new ReservedActionError(`events.${index}.action`, event.action);
    return {
      ...base,
      actorId: event.actorId ?? null,
      ip: event.ip ?? null,
      userAgent: event.userAgent ?? null,
      source: event.source ?? 'api',
    };
  });
  if (principal.kind === 'user') await checkOnBehalfOf(em, principal.userId, drafts);
  // Nobody but a session's administrator may file events under its key (they would read as its actions).
  await checkSessionKeyOwners(
    em,
    drafts.map((d) => ({ actorId: d.actorId, sessionKey: keyOf(d) })),
  );
  const submitter = principal.kind === 'user' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
  const stored = await audit.append(em, drafts, { submitter });
  return { stored: stored.length, duplicates: drafts.length - stored.length };
}

/** The session key an event will be stored with: the hash of its session token, or the key it names. */
function keyOf(d: AuditEventDraft): string | null {
  return d.sessionToken ? sha256Hex(d.sessionToken) : (d.sessionKey ?? null);
}

/**
 * A user may say they acted as someone else only for a session the API knows: an impersonation session of
 * theirs with that user and the event's session key. Otherwise anyone could write "done as user X" into
 * the log. Integrators relay the portal's own records and are trusted with the field.
 */
async function checkOnBehalfOf(em: EntityManager, adminUserId: number, drafts: readonly AuditEventDraft[]) {
  const claims = drafts.flatMap((d, index) => (d.onBehalfOfId != null ? [{ d, index, key: keyOf(d) }] : []));
  if (claims.length === 0) return;
  const keys = [...new Set(claims.flatMap(({ key }) => (key ? [key] : [])))];
  const sessions =
    keys.length === 0
      ? []
      : await em.find(
          ImpersonationSession,
          { adminUserId, sessionKey: { $in: keys } },
          { fields: ['impersonatedUserId', 'sessionKey'] },
        );
  const known = new Set(sessions.map((s) => `${s.sessionKey}:${s.impersonatedUserId}`));
  for (const { d, index, key } of claims) {
    if (!key || !known.has(`${key}:${d.onBehalfOfId}`)) {
      throw new InvalidInputError(
        `events.${index}.onBehalfOfId`,
        'onBehalfOfId must be the user you impersonated in the session with this sessionKey.',
      );
    }
  }
}
