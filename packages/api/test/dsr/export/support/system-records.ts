import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { DataSubjectRequest } from '../../../../src/modules/dsr/data-subject-request.entity.ts';
import { Dismissal } from '../../../../src/modules/dsr/dismissal.entity.ts';
import { ApiToken } from '../../../../src/modules/identity/api-token.entity.ts';
import { AuditorGrant } from '../../../../src/modules/identity/auditor-grant.entity.ts';
import { SignInCode } from '../../../../src/modules/identity/sign-in-code.entity.ts';
import { UserRights } from '../../../../src/modules/rights/user-rights.entity.ts';

export interface SeededRecords {
  requestIds: string[];
  tokenIds: string[];
  tokenHashes: string[];
  codeHashes: string[];
  codeCount: number;
}

const hex = () => randomBytes(32).toString('hex');

/** This system's own rows about `subject`, and the same kinds about `other`, who must not show up. */
export async function seedSystemRecords(
  em: EntityManager,
  subject: number,
  other: number,
): Promise<SeededRecords> {
  const now = Date.now();
  const seeded: SeededRecords = {
    requestIds: [],
    tokenIds: [],
    tokenHashes: [],
    codeHashes: [],
    codeCount: 0,
  };
  em.create(UserRights, { userId: subject, canAnonymise: true, canErase: false, updatedBy: 1 });
  em.create(UserRights, { userId: other, canAnonymise: false, canErase: true, updatedBy: 1 });
  for (const [userId, type, status] of [
    [subject, 'EXPORT', 'COMPLETED'],
    [subject, 'ANONYMISE', 'CANCELLED'],
    [other, 'EXPORT', 'PENDING'],
  ] as const) {
    const request = em.create(DataSubjectRequest, {
      type,
      status,
      source: 'SELF',
      subjectUserId: userId,
      subjectPseudonym: null,
      requesterUserId: userId,
      requesterTokenId: null,
      dueAt: new Date(now + 30 * 86_400_000),
      progress: { step: 'queued', done: 0, total: null },
      checkpoint: {},
      acceptedUnder: {},
      preview: null,
      previewTokenHash: null,
      previewExpiresAt: null,
      result: null,
      error: null,
      leaseOwner: null,
      leaseUntil: null,
      startedAt: null,
      finishedAt: status === 'COMPLETED' ? new Date(now) : null,
      archivePath: null,
      archiveExpiresAt: null,
    });
    if (userId === subject) seeded.requestIds.push(request.id);
  }
  for (const [userId, consumed, burned] of [
    [subject, true, false],
    [subject, false, true],
    [subject, false, false],
    [other, true, false],
  ] as const) {
    const codeHash = hex();
    em.create(SignInCode, {
      userId,
      codeHash,
      expiresAt: new Date(now + 600_000),
      failedAttempts: burned ? 5 : 0,
      consumedAt: consumed ? new Date(now) : null,
      burnedAt: burned ? new Date(now) : null,
    });
    seeded.codeHashes.push(codeHash);
    if (userId === subject) seeded.codeCount += 1;
  }
  for (const [userId, label] of [
    [subject, '=cmd|calc'],
    [subject, 'laptop'],
    [other, 'other person'],
  ] as const) {
    const tokenHash = hex();
    const token = em.create(ApiToken, {
      tokenHash,
      kind: 'USER',
      userId,
      scopes: [],
      label,
      createdBy: null,
      lastUsedAt: new Date(now),
      revokedAt: label === 'laptop' ? new Date(now) : null,
    });
    seeded.tokenHashes.push(tokenHash);
    if (userId === subject) seeded.tokenIds.push(token.id);
  }
  em.create(AuditorGrant, { userId: subject, grantedBy: 1, revokedBy: 2, revokedAt: new Date(now) });
  em.create(AuditorGrant, { userId: other, grantedBy: 1, revokedBy: null, revokedAt: null });
  em.create(Dismissal, { userId: subject, firstSeenInactiveAt: new Date(now - 86_400_000), requestId: null });
  em.create(Dismissal, { userId: other, firstSeenInactiveAt: new Date(now), requestId: null });
  await em.flush();
  return seeded;
}
