import { randomBytes } from 'node:crypto';
import { AuditEvent } from '../../../src/modules/audit/audit-event.entity.ts';
import { DataSubjectRequest, OPEN_STATUSES } from '../../../src/modules/dsr/data-subject-request.entity.ts';
import { dueDate } from '../../../src/modules/dsr/due-date.ts';
import { ApiToken } from '../../../src/modules/identity/api-token.entity.ts';
import { AuditorGrant } from '../../../src/modules/identity/auditor-grant.entity.ts';
import type { IntegratorScope } from '../../../src/modules/identity/roles.ts';
import { sha256Hex } from '../../../src/modules/identity/secrets.ts';
import { ImpersonationSession } from '../../../src/modules/impersonation/impersonation-session.entity.ts';
import type { TestApi } from '../../support/api.ts';

/** The people of the matrix (demo portal: users 1 and 2 are administrators). */
export const PEOPLE = { admin: 1, employee: 5, other: 6, auditor: 7 } as const;

/** Who calls, and about whom: the matrix's columns. */
export type Column =
  | 'anonymous'
  | 'employee'
  | 'employee-other'
  | 'admin'
  | 'auditor'
  | `int:${IntegratorScope}`;

export interface Caller {
  column: Column;
  /** Bearer token, fresh for every cell (a cell may sign out or revoke it). */
  token: string | undefined;
  /** The caller's portal user id; null for anonymous and integrators. */
  userId: number | null;
  /** The employee the operation is about: the caller themselves in `employee`, someone else otherwise. */
  subjectId: number;
}

/** Fixtures the operations' variables are made from; each call makes a fresh one where state would leak. */
export class AccessWorld {
  readonly api: TestApi;

  constructor(api: TestApi) {
    this.api = api;
  }

  static async create(api: TestApi): Promise<AccessWorld> {
    const em = api.services.orm.em.fork();
    em.create(AuditorGrant, { userId: PEOPLE.auditor, grantedBy: PEOPLE.admin });
    await em.flush();
    await api.services.settings.update(
      em,
      {
        anonymisationEnabled: true,
        erasureEnabled: true,
        defaultRights: { canAnonymise: true, canErase: true },
      },
      PEOPLE.admin,
    );
    // Something about each person in the log, so a list that comes back empty means "not yours to read".
    await api.services.audit.append(
      em,
      [PEOPLE.employee, PEOPLE.other].map((id) => ({
        action: 'rights.updated',
        actorId: PEOPLE.admin,
        source: 'api' as const,
        target: { type: 'user', id },
      })),
    );
    return new AccessWorld(api);
  }

  async caller(column: Column): Promise<Caller> {
    if (column === 'anonymous') return { column, token: undefined, userId: null, subjectId: PEOPLE.other };
    if (column.startsWith('int:')) {
      const scope = column.slice(4) as IntegratorScope;
      const { token } = await this.api.services.tokens.issueIntegratorToken(
        this.api.services.orm.em.fork(),
        [scope],
        `matrix ${scope}`,
        PEOPLE.admin,
      );
      return { column, token, userId: null, subjectId: PEOPLE.other };
    }
    const userId =
      column === 'admin' ? PEOPLE.admin : column === 'auditor' ? PEOPLE.auditor : PEOPLE.employee;
    const subjectId = column === 'employee' ? PEOPLE.employee : PEOPLE.other;
    return { column, token: await this.api.tokenFor(userId), userId, subjectId };
  }

  /** A request of the subject's own, in `status`; other open requests of that kind are closed first. */
  async request(
    subjectId: number,
    status: DataSubjectRequest['status'],
    type: 'EXPORT' | 'ANONYMISE' = 'EXPORT',
  ) {
    const em = this.api.services.orm.em.fork();
    await em.nativeUpdate(
      DataSubjectRequest,
      { subjectUserId: subjectId, type, status: { $in: [...OPEN_STATUSES] } },
      { status: 'CANCELLED', finishedAt: new Date() },
    );
    const request = em.create(DataSubjectRequest, {
      type,
      status,
      source: 'SELF',
      subjectUserId: subjectId,
      requesterUserId: subjectId,
      dueAt: dueDate(new Date()),
      progress: { step: 'queued', done: 0, total: null },
      checkpoint: {},
      acceptedUnder: {},
      error: status === 'FAILED' ? 'portal unavailable' : null,
      finishedAt: status === 'FAILED' || status === 'COMPLETED' ? new Date() : null,
    });
    await em.flush();
    return request.id;
  }

  /** An open impersonation session of the administrator as the subject (or as the employee, for admins). */
  async session(impersonatedUserId: number, adminUserId: number = PEOPLE.admin) {
    const em = this.api.services.orm.em.fork();
    const session = em.create(ImpersonationSession, {
      adminUserId,
      impersonatedUserId,
      sessionKey: sha256Hex(randomBytes(16).toString('hex')),
      ip: '203.0.113.9',
      userAgent: null,
      reason: null,
      source: 'api',
      startedAt: new Date(),
    });
    await em.flush();
    return session.id;
  }

  /** The log's first event (the fixtures write some). */
  async firstEvent(): Promise<string> {
    const [first] = await this.api.services.orm.em
      .fork()
      .find(AuditEvent, {}, { orderBy: { seq: 'asc' }, limit: 1 });
    if (!first) throw new Error('the access world wrote no audit event');
    return first.id;
  }

  /** An auditor grant of the user, made unless one is in force. */
  async auditorGrant(userId: number): Promise<void> {
    const em = this.api.services.orm.em.fork();
    if (await em.findOne(AuditorGrant, { userId, revokedAt: null })) return;
    em.create(AuditorGrant, { userId, grantedBy: PEOPLE.admin });
    await em.flush();
    this.api.services.principals.forget();
  }

  /** A spare token of the subject, for revokeApiToken. */
  async spareTokenOf(userId: number): Promise<string> {
    await this.api.tokenFor(userId);
    const rows = await this.api.services.orm.em
      .fork()
      .find(ApiToken, { userId, revokedAt: null }, { orderBy: { createdAt: 'desc' }, limit: 1 });
    return rows[0]!.id;
  }
}
