import type { EntityManager } from '@mikro-orm/core';
import type { AuditEventDraft } from '../audit/audit-record.ts';
import type { ContentVersion } from './content-version.entity.ts';

export type EditAuditAction =
  | 'post.edited'
  | 'post.deleted'
  | 'comment.edited'
  | 'comment.deleted'
  | 'message.edited'
  | 'message.deleted';

/** Where edit events go: `services.audit` (modules/audit), or nothing (tests of this module alone). */
export interface EditAuditLog {
  append(em: EntityManager, drafts: readonly AuditEventDraft[]): Promise<unknown>;
}

/**
 * The audit action a newly stored version stands for: none for the first version of an item seen being
 * created (its creation, not an edit); `*.deleted` for deletions; `*.edited` otherwise, also for the first
 * version of an item first seen through an edit (`seenAsEdit`: an UPDATE event of a post never seen before).
 * Chat messages and task comments (chat messages in the new task card) are `message.*`.
 */
export function auditActionFor(version: ContentVersion, seenAsEdit = false): EditAuditAction | null {
  const kind =
    version.entityType === 'POST' ? 'post' : version.entityType === 'COMMENT' ? 'comment' : 'message';
  if (version.deleted) return `${kind}.deleted`;
  return version.version > 1 || seenAsEdit ? `${kind}.edited` : null;
}

export function auditDraftFor(version: ContentVersion, seenAsEdit = false): AuditEventDraft | null {
  const action = auditActionFor(version, seenAsEdit);
  if (!action) return null;
  return {
    action,
    occurredAt: version.editedAt,
    // Who made the change as the source says it (the event's auth[user_id]); "unknown" when it does not.
    actorId: version.editor ?? null,
    sessionKey: version.sessionKey ?? null,
    target: { type: version.entityType.toLowerCase(), id: version.entityId },
    metadata: {
      version: version.version,
      contentVersionId: version.id,
      textHash: version.textHash,
      ...(version.editor === null ? { editor: 'unknown' } : {}),
    },
    source: version.source,
    // A version is stored once, so is its event; the key also guards against a retried caller.
    idempotencyKey: `content-version:${version.id}`,
  };
}

/**
 * THE AUDIT HOOK. Called by `recordVersion` for every version it creates, inside the same transaction:
 * the version and its audit event commit or roll back together.
 */
export async function writeEditAuditEvents(
  em: EntityManager,
  version: ContentVersion,
  audit: EditAuditLog | null,
  seenAsEdit = false,
): Promise<void> {
  const draft = auditDraftFor(version, seenAsEdit);
  if (draft && audit) await audit.append(em, [draft]);
}
