import { type EntityManager, LockMode } from '@mikro-orm/core';
import type { Bitrix24Client } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import { looksLikeUuid } from '../../db/uuid.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { sendImpersonationAlerts } from './alerts.ts';
import { closeTimedOutSessions } from './close-timed-out.ts';
import { ImpersonationSession, type SessionEndReason } from './impersonation-session.entity.ts';
import { type AlertRewording, rewordAlertsAbout } from './reword-alerts.ts';
import { closingOf, endedEvent, endOf, sessionFields } from './session-end.ts';

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
    const timeoutMs = await this.timeoutMs(em);

    const existing = await em.findOne(ImpersonationSession, {
      adminUserId: input.adminUserId,
      sessionKey,
      endedAt: null,
    });
    if (
      existing &&
      existing.impersonatedUserId === input.impersonatedUserId &&
      !endOf(existing, timeoutMs, now).endedAt
    )
      return existing;
    // The session, the end of the ones it replaces, and their audit events commit together. The replaced
    // rows are locked and re-read, so a session the time-out job closed meanwhile is not closed twice.
    const session = await em.transactional(async (tx) => {
      const replaced = await tx.find(
        ImpersonationSession,
        { adminUserId: input.adminUserId, endedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      for (const old of replaced) Object.assign(old, closingOf(old, timeoutMs, 'SESSION_CHANGED', now));
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

  /**
   * Ending is always allowed (to the administrator of the session, or any administrator); idempotent. A
   * session already past its time-out is recorded as timed out at its deadline, as reads showed it.
   */
  async end(
    em: EntityManager,
    id: string,
    reason: SessionEndReason = 'ENDED',
    now = new Date(),
  ): Promise<ImpersonationSession> {
    const session = looksLikeUuid(id) ? await em.findOne(ImpersonationSession, { id }) : null;
    if (!session) throw new NotFoundError('ImpersonationSession', id);
    if (!session.endedAt) {
      const timeoutMs = await this.timeoutMs(em);
      await em.transactional(async (tx) => {
        // Locked and re-read: the time-out job (or another end) may have closed it since.
        const open = await tx.findOne(
          ImpersonationSession,
          { id: session.id, endedAt: null },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (!open) return;
        Object.assign(open, closingOf(open, timeoutMs, reason, now));
        await tx.flush();
        await this.#audit().append(tx, [endedEvent(open)]);
      });
      await em.refresh(session);
    }
    return session;
  }

  /** How long a session nobody ends lasts (settings: `impersonation.maxMinutes`). */
  async timeoutMs(em: EntityManager): Promise<number> {
    const { settings } = await this.#settings.get(em);
    return settings.impersonation.maxMinutes * 60_000;
  }

  /**
   * Closes sessions past their time-out as having ended at their deadline, each with its
   * `impersonation.ended` event; the scheduled job (jobs/impersonation-timeouts.ts) calls it. Safe to run
   * in several processes at once.
   */
  async closeExpired(em: EntityManager, now = new Date(), batchSize = 100): Promise<number> {
    return closeTimedOutSessions(em, this.#audit(), await this.timeoutMs(em), { now, batchSize });
  }

  /** Rewrites the chat alerts that name `userId` with their pseudonym (erasure and anonymisation). */
  rewordAlertsAbout(em: EntityManager, userId: number, pseudonymName: string): Promise<AlertRewording> {
    return rewordAlertsAbout({
      em,
      portal: this.#portal,
      directory: this.#directory,
      linkFor: this.#linkFor,
      userId,
      pseudonymName,
    });
  }

  /** Sends the alerts after the session is stored: a portal outage must not lose the record. */
  async #announce(em: EntityManager, session: ImpersonationSession): Promise<void> {
    const { settings } = await this.#settings.get(em);
    const delivery = await sendImpersonationAlerts({
      portal: this.#portal,
      directory: this.#directory,
      session,
      recipients: settings.impersonation.alertRecipients,
      notifyImpersonated: settings.impersonation.notifyImpersonatedUser,
      link: this.#linkFor(session),
    }).catch((error: unknown) => ({
      failure: error instanceof Error ? error.message : String(error),
      messageIds: [] as number[],
    }));
    const { failure } = delivery;
    if (failure) this.#logger.warn({ sessionId: session.id, failure }, 'impersonation alert not delivered');
    session.alertedAt = failure ? null : new Date();
    session.alertError = failure;
    session.alertMessageIds = delivery.messageIds.length > 0 ? delivery.messageIds : null;
    await em.flush();
  }
}
