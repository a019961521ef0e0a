import type { EntityManager } from '@mikro-orm/core';
import type { Bitrix24Client } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import { looksLikeUuid } from '../../db/uuid.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuditEventDraft } from '../audit/audit-record.ts';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { sendImpersonationAlerts } from './alerts.ts';
import { ImpersonationSession, type SessionEndReason } from './impersonation-session.entity.ts';

export const SESSION_KEY = /^[0-9a-f]{64}$/;

export interface StartInput {
  adminUserId: number;
  impersonatedUserId: number;
  /** SHA-256 (hex) of the portal session token, computed by the reporter. */
  sessionKey: string;
  ip: string;
  userAgent: string | null;
  reason?: string | null;
  source: 'extension' | 'api';
}

/** Impersonation sessions: recorded, announced, and closed even when nobody reports the end. */
export class ImpersonationService {
  readonly #portal: Bitrix24Client;
  readonly #directory: PortalDirectory;
  readonly #settings: SettingsService;
  readonly #logger: Logger;
  readonly #linkFor: (session: ImpersonationSession) => string;
  readonly #audit: () => AuditService;

  constructor(deps: {
    audit: () => AuditService;
    portal: Bitrix24Client;
    directory: PortalDirectory;
    settings: SettingsService;
    logger: Logger;
    linkFor: (session: ImpersonationSession) => string;
  }) {
    this.#portal = deps.portal;
    this.#directory = deps.directory;
    this.#settings = deps.settings;
    this.#logger = deps.logger;
    this.#linkFor = deps.linkFor;
    this.#audit = deps.audit;
  }

  /**
   * Records a session start (idempotent for the same key) and announces it. A start with a new key
   * closes the administrator's previous open session: its portal session is over.
   */
  async start(em: EntityManager, input: StartInput, now = new Date()): Promise<ImpersonationSession> {
    const sessionKey = input.sessionKey.toLowerCase();
    if (!SESSION_KEY.test(sessionKey)) {
      throw new InvalidInputError(
        'sessionKey',
        'The session key is the SHA-256 (64 hex digits) of the portal session token.',
      );
    }
    if (input.impersonatedUserId === input.adminUserId) {
      throw new InvalidInputError('impersonatedUserId', 'An administrator cannot impersonate themselves.');
    }
    if (input.reason && input.reason.length > 500)
      throw new InvalidInputError('reason', 'A reason is at most 500 characters.');
    const target = await this.#directory.getUser(input.impersonatedUserId);
    if (!target) throw new NotFoundError('User', String(input.impersonatedUserId));
    await this.closeExpired(em, now);

    const existing = await em.findOne(ImpersonationSession, {
      adminUserId: input.adminUserId,
      sessionKey,
      endedAt: null,
    });
    if (existing && existing.impersonatedUserId === input.impersonatedUserId) return existing;
    // The session, the end of the one it replaces, and their audit events commit together.
    const session = await em.transactional(async (tx) => {
      const replaced = await tx.find(ImpersonationSession, { adminUserId: input.adminUserId, endedAt: null });
      for (const old of replaced) Object.assign(old, { endedAt: now, endReason: 'SESSION_CHANGED' });
      const created = tx.create(ImpersonationSession, {
        adminUserId: input.adminUserId,
        impersonatedUserId: input.impersonatedUserId,
        sessionKey,
        ip: input.ip.slice(0, 64),
        userAgent: input.userAgent?.slice(0, 1000) ?? null,
        reason: input.reason ?? null,
        source: input.source,
        startedAt: now,
      });
      await tx.flush();
      await this.#audit().append(tx, [
        ...replaced.map((old) => endedEvent(old)),
        {
          ...sessionFields(created),
          action: 'impersonation.started',
          occurredAt: now,
          metadata: { sessionId: created.id, reason: created.reason },
          source: created.source,
        },
      ]);
      return created;
    });
    await this.#announce(em, session);
    return session;
  }

  /** Ending is always allowed (to the administrator of the session, or any administrator); idempotent. */
  async end(
    em: EntityManager,
    id: string,
    reason: SessionEndReason = 'ENDED',
    now = new Date(),
  ): Promise<ImpersonationSession> {
    const session = looksLikeUuid(id) ? await em.findOne(ImpersonationSession, { id }) : null;
    if (!session) throw new NotFoundError('ImpersonationSession', id);
    if (!session.endedAt) {
      await em.transactional(async (tx) => {
        const open = await tx.findOneOrFail(ImpersonationSession, session.id);
        Object.assign(open, { endedAt: now, endReason: reason });
        await tx.flush();
        await this.#audit().append(tx, [endedEvent(open)]);
      });
      await em.refresh(session);
    }
    return session;
  }

  /** Closes sessions older than the configured maximum, as if they had been ended at that moment. */
  async closeExpired(em: EntityManager, now = new Date()): Promise<number> {
    const { settings } = await this.#settings.get(em);
    const limitMs = settings.impersonation.maxMinutes * 60_000;
    const stale = await em.find(ImpersonationSession, {
      endedAt: null,
      startedAt: { $lt: new Date(now.getTime() - limitMs) },
    });
    for (const session of stale) {
      session.endedAt = new Date(session.startedAt.getTime() + limitMs);
      session.endReason = 'TIMED_OUT';
    }
    await em.flush();
    return stale.length;
  }

  /** Sends the alerts after the session is stored: a portal outage must not lose the record. */
  async #announce(em: EntityManager, session: ImpersonationSession): Promise<void> {
    const { settings } = await this.#settings.get(em);
    const failure = await sendImpersonationAlerts({
      portal: this.#portal,
      directory: this.#directory,
      session,
      recipients: settings.impersonation.alertRecipients,
      notifyImpersonated: settings.impersonation.notifyImpersonatedUser,
      link: this.#linkFor(session),
    }).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (failure) this.#logger.warn({ sessionId: session.id, failure }, 'impersonation alert not delivered');
    session.alertedAt = failure ? null : new Date();
    session.alertError = failure;
    await em.flush();
  }
}

function sessionFields(session: ImpersonationSession): Omit<AuditEventDraft, 'action' | 'source'> {
  return {
    actorId: session.adminUserId,
    onBehalfOfId: session.impersonatedUserId,
    sessionKey: session.sessionKey,
    ip: session.ip,
    userAgent: session.userAgent,
    target: { type: 'user', id: session.impersonatedUserId },
  };
}

function endedEvent(session: ImpersonationSession): AuditEventDraft {
  return {
    ...sessionFields(session),
    action: 'impersonation.ended',
    occurredAt: session.endedAt ?? new Date(),
    metadata: { sessionId: session.id, reason: session.endReason },
    source: session.source,
    // One end per session, however many times it is reported.
    idempotencyKey: `impersonation-ended:${session.id}`,
  };
}
