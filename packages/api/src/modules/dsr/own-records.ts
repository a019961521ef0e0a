import type { EntityManager } from '@mikro-orm/core';
import { ApiToken } from '../identity/api-token.entity.ts';
import { AuditorGrant } from '../identity/auditor-grant.entity.ts';
import { sha256Hex } from '../identity/secrets.ts';
import { SignInCode } from '../identity/sign-in-code.entity.ts';
import { SignInRequest } from '../identity/sign-in-request.entity.ts';
import { UserRights } from '../rights/user-rights.entity.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import { DataSubjectRequest } from './data-subject-request.entity.ts';
import { Dismissal } from './dismissal.entity.ts';

export interface OwnRecordsOutcome {
  /** Rows deleted per table: they only served the subject. */
  deleted: Record<string, number>;
  /** Rows kept with the subject's id replaced by a keyed hash (accountability under Art. 5(2)). */
  pseudonymised: Record<string, number>;
}

/**
 * This system's own records about a subject, after their anonymisation or erasure. Records that only
 * served the subject go; records we must keep to show what was done (the requests themselves, token
 * history) stay, with the subject's id replaced by a keyed hash that only this installation can recompute.
 * Idempotent. `loginHashes` are those of the subject's former logins (see `loginHashesOf`), taken
 * before the portal profile lost its e-mail.
 */
export async function pseudonymiseOwnRecords(
  em: EntityManager,
  secret: AppSecret,
  userId: number,
  loginHashes: readonly string[],
  now = new Date(),
): Promise<OwnRecordsOutcome> {
  const pseudonym = secret.pseudonymousId(userId);
  return em.transactional(async (tx) => {
    const deleted = {
      sign_in_code: await tx.nativeDelete(SignInCode, { userId }),
      sign_in_request: await tx.nativeDelete(SignInRequest, { loginHash: { $in: [...loginHashes] } }),
      user_rights: await tx.nativeDelete(UserRights, { userId }),
      auditor_grant: await tx.nativeDelete(AuditorGrant, { userId }),
      dismissal: await tx.nativeDelete(Dismissal, { userId }),
    };
    await tx.nativeUpdate(ApiToken, { userId, revokedAt: null }, { revokedAt: now });
    const pseudonymised = {
      api_token: await tx.nativeUpdate(
        ApiToken,
        { userId },
        { userId: null, label: 'token of an erased user' },
      ),
      data_subject_request: await tx.nativeUpdate(
        DataSubjectRequest,
        { subjectUserId: userId },
        { subjectUserId: null, subjectPseudonym: pseudonym },
      ),
      data_subject_request_requester: await tx.nativeUpdate(
        DataSubjectRequest,
        { requesterUserId: userId },
        { requesterUserId: null },
      ),
    };
    return { deleted, pseudonymised };
  });
}

/** The hashes sign-in requests were recorded under for this user's logins (id and e-mail). */
export function loginHashesOf(userId: number, email: string | null | undefined): string[] {
  return [`id:${userId}`, ...(email ? [`email:${email.toLowerCase()}`] : [])].map(sha256Hex);
}
