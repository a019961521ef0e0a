import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { looksLikeUuid } from '../../db/uuid.ts';
import { InvalidInputError, NotFoundError, PolicyRefusedError } from '../../errors.ts';
import type { AuditEventDraft } from '../audit/audit-record.ts';
import type { Principal } from '../identity/roles.ts';
import { actorOf, type DecisionContext, type Decisions } from '../rights/decisions.ts';
import { POLICY_RULES, type PolicyAction, type PolicyActor } from '../rights/policy.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import {
  DataSubjectRequest,
  OPEN_STATUSES,
  type RequestSource,
  type RequestType,
} from './data-subject-request.entity.ts';
import { dueDate } from './due-date.ts';

/** What starts and steers requests; the runner (another process, perhaps) does the work. */
export interface RequestQueue {
  enqueue(requestId: string): Promise<void>;
}

export const PREVIEW_TTL_MS = 30 * 60_000;

/** A signed-in caller, or the operator at the server's command line. */
export type Requester = Principal | { kind: 'operator' };

/** Where a change came from, for its audit event. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

const CLI_ORIGIN: RequestOrigin = { ip: null, userAgent: 'b24-gdpr CLI' };

/** Writes a request's audit events inside the transaction of its change. */
export type RequestAudit = (tx: EntityManager, drafts: AuditEventDraft[]) => Promise<unknown>;

export class RequestService {
  readonly #decisions: Decisions;
  readonly #queue: RequestQueue;
  readonly #secret: () => AppSecret;
  readonly #audit: RequestAudit;

  constructor(decisions: Decisions, queue: RequestQueue, secret: () => AppSecret, audit: RequestAudit) {
    this.#decisions = decisions;
    this.#queue = queue;
    this.#secret = secret;
    this.#audit = audit;
  }

  #event(
    requester: Requester | null,
    origin: RequestOrigin | undefined,
    action: string,
    request: DataSubjectRequest,
    metadata: Record<string, unknown> = {},
  ): AuditEventDraft {
    const from = origin ?? CLI_ORIGIN;
    return {
      action,
      actorId: requester?.kind === 'user' ? requester.userId : null,
      ip: from.ip,
      userAgent: from.userAgent,
      source: 'api',
      target: request.subjectUserId
        ? { type: 'user', id: request.subjectUserId }
        : { type: 'request', id: request.id },
      metadata: {
        requestId: request.id,
        requester: requester
          ? 'tokenId' in requester
            ? { kind: requester.kind, tokenId: requester.tokenId }
            : { kind: requester.kind }
          : { kind: 'system' },
        ...metadata,
      },
    };
  }

  /** EXPORT or ANONYMISE. A second request while one is open is answered with the open one. */
  async request(
    em: EntityManager,
    principal: Requester,
    type: 'EXPORT' | 'ANONYMISE',
    subjectUserId: number,
    origin?: RequestOrigin,
  ): Promise<DataSubjectRequest> {
    const actor = requireActor(principal);
    const context = await this.#allowed(em, actor, type, subjectUserId);
    const { request, created } = await this.#open(em, principal, origin, actor, type, context, 'PENDING');
    if (created) await this.#queue.enqueue(request.id);
    return request;
  }

  /** The dismissed-employee policy's requests: same rules, the system as the actor. */
  async requestBySystem(em: EntityManager, subjectUserId: number): Promise<DataSubjectRequest | null> {
    const actor: PolicyActor = { kind: 'system' };
    const context = await this.#decisions.decide(em, actor, 'ANONYMISE', subjectUserId);
    if (!context.decision.allowed) return null;
    const { request, created } = await this.#open(
      em,
      null,
      undefined,
      actor,
      'ANONYMISE',
      context,
      'PENDING',
    );
    if (created) await this.#queue.enqueue(request.id);
    return request;
  }

  /**
   * Opens (or refreshes) an erasure awaiting confirmation. `compute` builds the preview; its digest is what
   * the token vouches for, so confirming runs exactly the plan that was shown.
   */
  async preview(
    em: EntityManager,
    principal: Requester,
    subjectUserId: number,
    compute: () => Promise<{ digest: string; preview: Record<string, unknown> }>,
    origin?: RequestOrigin,
    now = new Date(),
  ): Promise<{ request: DataSubjectRequest; token: string | null }> {
    const actor = requireActor(principal);
    const context = await this.#allowed(em, actor, 'ERASE', subjectUserId);
    // The portal is read before anything is stored: a preview that fails leaves no request behind.
    const { digest, preview } = await compute();
    const { request } = await this.#open(
      em,
      principal,
      origin,
      actor,
      'ERASE',
      context,
      'AWAITING_CONFIRMATION',
    );
    // Already confirmed and under way: the open request is the answer, and there is nothing left to confirm.
    if (request.status !== 'AWAITING_CONFIRMATION') return { request, token: null };
    const expiresAt = new Date(now.getTime() + PREVIEW_TTL_MS);
    const token = this.#previewToken(request.id, digest, expiresAt);
    Object.assign(request, {
      preview: { ...preview, digest },
      previewTokenHash: this.#secret().mac('preview-token-hash', token),
      previewExpiresAt: expiresAt,
    });
    await em.flush();
    return { request, token };
  }

  /** Confirms the erasure whose preview carried `token`; `writeLedger` records the plan's items. */
  async confirmErasure(
    em: EntityManager,
    principal: Requester,
    subjectUserId: number,
    token: string,
    writeLedger: (tx: EntityManager, request: DataSubjectRequest) => Promise<void>,
    origin?: RequestOrigin,
    now = new Date(),
  ): Promise<DataSubjectRequest> {
    const actor = requireActor(principal);
    await this.#allowed(em, actor, 'ERASE', subjectUserId);
    const request = await em.findOne(DataSubjectRequest, {
      subjectUserId,
      type: 'ERASE',
      status: 'AWAITING_CONFIRMATION',
    });
    const valid =
      request?.previewTokenHash &&
      request.previewExpiresAt &&
      request.previewExpiresAt > now &&
      this.#secret().mac('preview-token-hash', token.trim()) === request.previewTokenHash;
    if (!request || !valid) {
      throw new InvalidInputError(
        'previewToken',
        'This preview token is not valid (wrong, expired, or replaced by a newer preview). Preview the erasure again.',
      );
    }
    await em.transactional(async (tx) => {
      const fresh = await tx.findOneOrFail(DataSubjectRequest, request.id);
      await writeLedger(tx, fresh);
      fresh.status = 'PENDING';
      fresh.previewTokenHash = null;
      fresh.progress = { step: 'queued', done: 0, total: null };
      await tx.flush();
      const digest = (fresh.preview as { digest?: string } | null)?.digest;
      await this.#audit(tx, [this.#event(principal, origin, 'dsr.erase.confirmed', fresh, { digest })]);
    });
    await this.#queue.enqueue(request.id);
    return em.findOneOrFail(DataSubjectRequest, request.id, { refresh: true });
  }

  async cancel(
    em: EntityManager,
    principal: Requester,
    id: string,
    origin?: RequestOrigin,
  ): Promise<DataSubjectRequest> {
    const request = await this.visible(em, principal, id);
    // Seeing a request is not steering it: an auditor reads every request, and cancels only their own.
    if (!canCancel(principal, request))
      throw new PolicyRefusedError('AUDITOR_READ_ONLY', POLICY_RULES.AUDITOR_READ_ONLY);
    if (!OPEN_STATUSES.includes(request.status)) {
      throw new InvalidInputError(
        'id',
        `The request is ${request.status.toLowerCase()} and can no longer be cancelled.`,
      );
    }
    // The runner notices at its next checkpoint: its lease write requires status RUNNING.
    const changed = await em.transactional(async (tx) => {
      const n = await tx.nativeUpdate(
        DataSubjectRequest,
        { id, status: { $in: [...OPEN_STATUSES] } },
        { status: 'CANCELLED', finishedAt: new Date(), leaseOwner: null, leaseUntil: null },
      );
      if (n === 1)
        await this.#audit(tx, [
          this.#event(principal, origin, 'dsr.cancelled', request, { type: request.type }),
        ]);
      return n;
    });
    if (changed === 0)
      throw new InvalidInputError('id', 'The request finished before it could be cancelled.');
    return em.findOneOrFail(DataSubjectRequest, id, { refresh: true });
  }

  /** Administrators retry a failed request; it resumes from its checkpoint. */
  async retry(
    em: EntityManager,
    principal: Requester,
    id: string,
    origin?: RequestOrigin,
  ): Promise<DataSubjectRequest> {
    const request = await this.visible(em, principal, id);
    if (request.status !== 'FAILED')
      throw new InvalidInputError('id', 'Only a failed request can be retried.');
    try {
      await em.transactional(async (tx) => {
        await tx.nativeUpdate(
          DataSubjectRequest,
          { id, status: 'FAILED' },
          { status: 'PENDING', error: null, finishedAt: null, attempts: 0 },
        );
        await this.#audit(tx, [
          this.#event(principal, origin, 'dsr.retried', request, {
            type: request.type,
            error: request.error,
          }),
        ]);
      });
      await em.refresh(request);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new InvalidInputError(
          'id',
          'Another request of this kind for this employee is open; cancel it first.',
        );
      }
      throw error;
    }
    await this.#queue.enqueue(request.id);
    return request;
  }

  /** A request the caller may see: their own, any for administrators and auditors and request-reading integrators. */
  async visible(em: EntityManager, principal: Requester, id: string): Promise<DataSubjectRequest> {
    const request = looksLikeUuid(id) ? await em.findOne(DataSubjectRequest, { id }) : null;
    if (!request || !canSee(principal, request)) throw new NotFoundError('DataSubjectRequest', id);
    return request;
  }

  async #allowed(
    em: EntityManager,
    actor: PolicyActor,
    action: PolicyAction,
    subjectUserId: number,
  ): Promise<DecisionContext> {
    if (!Number.isInteger(subjectUserId) || subjectUserId < 1)
      throw new InvalidInputError('userId', 'A user id is a positive integer.');
    const context = await this.#decisions.decide(em, actor, action, subjectUserId);
    if (!context.decision.allowed)
      throw new PolicyRefusedError(context.decision.rule, context.decision.message);
    return context;
  }

  async #open(
    em: EntityManager,
    principal: Requester | null,
    origin: RequestOrigin | undefined,
    actor: PolicyActor,
    type: RequestType,
    context: DecisionContext,
    status: 'PENDING' | 'AWAITING_CONFIRMATION',
  ): Promise<{ request: DataSubjectRequest; created: boolean }> {
    const subjectUserId = context.subject.id;
    const existing = await em.findOne(DataSubjectRequest, {
      subjectUserId,
      type,
      status: { $in: [...OPEN_STATUSES] },
    });
    if (existing) return { request: existing, created: false };
    const now = new Date();
    const data = {
      type,
      status,
      source: sourceOf(actor, subjectUserId),
      subjectUserId,
      requesterUserId: principal?.kind === 'user' ? principal.userId : null,
      requesterTokenId: principal && 'tokenId' in principal ? principal.tokenId : null,
      dueAt: dueDate(now),
      progress: { step: status === 'PENDING' ? 'queued' : 'awaiting confirmation', done: 0, total: null },
      checkpoint: {},
      acceptedUnder: {
        settingsVersion: context.settings.version,
        switches: {
          anonymisationEnabled: context.settings.settings.anonymisationEnabled,
          erasureEnabled: context.settings.settings.erasureEnabled,
        },
        subjectRights: { canAnonymise: context.rights.canAnonymise, canErase: context.rights.canErase },
        subjectWasAdmin: context.subject.isAdmin,
        subjectActive: context.subject.active,
        actor: actor.kind === 'integrator' ? { kind: 'integrator', scopes: [...actor.scopes] } : actor,
        decision: context.decision,
      },
    };
    try {
      const request = await em.transactional(async (tx) => {
        const created = tx.create(DataSubjectRequest, data);
        await tx.flush();
        const action =
          status === 'AWAITING_CONFIRMATION' ? 'dsr.erase.previewed' : `dsr.${type.toLowerCase()}.requested`;
        await this.#audit(tx, [this.#event(principal, origin, action, created, { source: created.source })]);
        return created;
      });
      return { request, created: true };
    } catch (error) {
      // A concurrent caller opened the same request first: answer with theirs.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      em.clear();
      const winner = await em.findOneOrFail(DataSubjectRequest, {
        subjectUserId,
        type,
        status: { $in: [...OPEN_STATUSES] },
      });
      return { request: winner, created: false };
    }
  }

  #previewToken(requestId: string, digest: string, expiresAt: Date): string {
    return this.#secret()
      .mac('preview-token', `${requestId}|${digest}|${expiresAt.toISOString()}`)
      .slice(0, 32);
  }
}

function requireActor(principal: Requester): PolicyActor {
  if (principal.kind === 'operator') return { kind: 'operator' };
  const actor = actorOf(principal);
  if (!actor) throw new PolicyRefusedError('NOT_YOUR_DATA', 'Sign in first.');
  return actor;
}

function sourceOf(actor: PolicyActor, subjectUserId: number): RequestSource {
  if (actor.kind === 'system') return 'DISMISSAL_POLICY';
  if (actor.kind === 'integrator') return 'INTEGRATOR';
  if (actor.kind === 'operator') return 'ADMIN';
  return actor.userId === subjectUserId ? 'SELF' : 'ADMIN';
}

export function canSee(principal: Requester, request: DataSubjectRequest): boolean {
  if (principal.kind === 'integrator')
    return principal.scopes.has('requests:read') || principal.scopes.has('requests:write');
  if (principal.kind !== 'user') return false;
  if (principal.roles.has('ADMIN') || principal.roles.has('AUDITOR')) return true;
  return request.subjectUserId === principal.userId || request.requesterUserId === principal.userId;
}

/**
 * Who may cancel a request they can see: its subject or requester, administrators, `requests:write`
 * integrators. Auditors (and `requests:read` integrators) only read.
 */
export function canCancel(principal: Requester, request: DataSubjectRequest): boolean {
  if (principal.kind === 'integrator') return principal.scopes.has('requests:write');
  if (principal.kind !== 'user') return false;
  if (principal.roles.has('ADMIN')) return true;
  return request.subjectUserId === principal.userId || request.requesterUserId === principal.userId;
}
