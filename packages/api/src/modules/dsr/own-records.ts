import type { EntityManager } from '@mikro-orm/core';
import type { AuditService } from '../audit/audit.service.ts';
import {
  auditTargetOf,
  deleteSubjectVersions,
  forgetWitness,
  redactMentions,
  unlinkSubjectVersions,
} from '../edits/subject-versions.ts';
import { ApiToken } from '../identity/api-token.entity.ts';
import { AuditorGrant } from '../identity/auditor-grant.entity.ts';
import { sha256Hex } from '../identity/secrets.ts';
import { SignInCode } from '../identity/sign-in-code.entity.ts';
import { SignInRequest } from '../identity/sign-in-request.entity.ts';
import { ChatPollCursor } from '../portal-events/chat-poll-cursor.entity.ts';
import { WeeklyReport } from '../reports/weekly-report.entity.ts';
import { UserRights } from '../rights/user-rights.entity.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import { Dismissal } from './dismissal.entity.ts';
import type { ExportFiles } from './export-files.ts';
import { type KeptRecord, keptRecords } from './own-records-kept.ts';
import {
  isAbout,
  ledgerContentRefs,
  pseudonymiseLedger,
  pseudonymiseRequests,
  requestsOf,
} from './subject-requests.ts';
import { pseudonymiseSessions } from './subject-sessions.ts';

export type { KeptRecord } from './own-records-kept.ts';

/** Erasure deletes the texts the subject wrote; anonymisation keeps them, as the portal does. */
export type OwnRecordsMode = 'erase' | 'anonymise';

export interface OwnRecordsOutcome {
  /** Rows (or files) deleted per table (or folder): they only served the subject, or held what they wrote. */
  deleted: Record<string, number>;
  /** Rows kept with the subject's id replaced by a keyed hash (accountability under Art. 5(2)). */
  pseudonymised: Record<string, number>;
  /** What of ours still refers to the subject in some form, and why it stays. */
  kept: KeptRecord[];
}

export interface OwnRecordsSubject {
  userId: number;
  /** Hashes of the subject's former logins (see `loginHashesOf`), taken before the profile lost its e-mail. */
  loginHashes: readonly string[];
  /** How the subject was named (full name, e-mail), read before the profile was anonymised. */
  mentions: readonly string[];
  mode: OwnRecordsMode;
  /** The request doing this: its checkpoint and result are left to its handler. */
  requestId: string;
}

/**
 * This system's own records about a subject, after their anonymisation or erasure. Records that only
 * served the subject go, and so do their export archives and (on erasure) every stored text they wrote;
 * records we must keep to show what was done (the requests themselves, the erasure ledger, token history)
 * stay, with the subject's id replaced by a keyed hash that only this installation can recompute.
 * Idempotent: a rerun finds the subject's requests by that pseudonym.
 */
export async function pseudonymiseOwnRecords(
  em: EntityManager,
  deps: { secret: AppSecret; exports: ExportFiles; audit: Pick<AuditService, 'eraseTextHashes'> },
  subject: OwnRecordsSubject,
  now = new Date(),
): Promise<OwnRecordsOutcome> {
  const { userId, loginHashes } = subject;
  const id = { userId, pseudonym: deps.secret.pseudonymousId(userId) };
  const requests = await requestsOf(em, id);
  const about = requests.filter((r) => isAbout(r, id));
  // Files first: should the transaction below fail, the rows point at nothing until the rerun clears them.
  const archives = await deps.exports.deleteArchives(
    about.filter((r) => r.type === 'EXPORT').map((r) => r.id),
  );
  const erasures = about.filter((r) => r.type === 'ERASE').map((r) => r.id);
  return em.transactional(async (tx) => {
    const deleted: Record<string, number> = {
      sign_in_code: await tx.nativeDelete(SignInCode, { userId }),
      sign_in_request: await tx.nativeDelete(SignInRequest, { loginHash: { $in: [...loginHashes] } }),
      user_rights: await tx.nativeDelete(UserRights, { userId }),
      auditor_grant: await tx.nativeDelete(AuditorGrant, { userId }),
      dismissal: await tx.nativeDelete(Dismissal, { userId }),
      // Where we were in their chat event log; their account is closed, so it cannot be read again.
      chat_poll_cursor: await tx.nativeDelete(ChatPollCursor, { userId }),
      export_archive: archives,
    };
    const pseudonymised: Record<string, number> = {};
    if (subject.mode === 'erase') {
      const ledgered = await ledgerContentRefs(tx, erasures);
      const versions = await deleteSubjectVersions(tx, userId, ledgered);
      deleted.content_version = versions.versions;
      // Their edit events keep no fingerprint of the texts just deleted, nor of the subject's texts that a
      // colleague's extension reported without the portal confirming them (events without a version).
      const items = new Map(
        [...versions.items, ...ledgered].map((r) => [`${r.entityType}:${r.entityId}`, r]),
      );
      pseudonymised.audit_event_text_hash = await deps.audit.eraseTextHashes(
        tx,
        [...items.values()].map(auditTargetOf),
      );
    } else {
      pseudonymised.content_version = await unlinkSubjectVersions(tx, userId);
    }
    pseudonymised.content_version_witness = await forgetWitness(tx, userId);
    pseudonymised.content_version_mentions = await redactMentions(
      tx,
      subject.mentions,
      deps.secret.pseudonymFor(userId),
    );
    await tx.nativeUpdate(ApiToken, { userId, revokedAt: null }, { revokedAt: now });
    pseudonymised.api_token = await tx.nativeUpdate(
      ApiToken,
      { userId },
      { userId: null, label: 'token of an erased user' },
    );
    // Who issued a token or changed someone's rights: the subject, once an administrator. Nobody now.
    pseudonymised.api_token_created_by = await tx.nativeUpdate(
      ApiToken,
      { createdBy: userId },
      { createdBy: null },
    );
    pseudonymised.user_rights_updated_by = await tx.nativeUpdate(
      UserRights,
      { updatedBy: userId },
      { updatedBy: null },
    );
    // 0 is no portal user: the grant stays (who may read the log, and since when), its granter is gone.
    pseudonymised.auditor_grant_granted_by = await tx.nativeUpdate(
      AuditorGrant,
      { grantedBy: userId },
      { grantedBy: 0 },
    );
    pseudonymised.auditor_grant_revoked_by = await tx.nativeUpdate(
      AuditorGrant,
      { revokedBy: userId },
      { revokedBy: null },
    );
    pseudonymised.impersonation_session = await pseudonymiseSessions(tx, id);
    pseudonymised.data_subject_request = await pseudonymiseRequests(tx, requests, id, subject.requestId);
    pseudonymised.erasure_item = await pseudonymiseLedger(tx, erasures, id);
    return { deleted, pseudonymised, kept: keptRecords(subject.mode, await tx.count(WeeklyReport, {})) };
  });
}

/** The hashes sign-in requests were recorded under for this user's logins (id and e-mail). */
export function loginHashesOf(userId: number, email: string | null | undefined): string[] {
  return [`id:${userId}`, ...(email ? [`email:${email.toLowerCase()}`] : [])].map(sha256Hex);
}
