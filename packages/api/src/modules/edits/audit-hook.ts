import type { EntityManager } from '@mikro-orm/core';
import type { ContentVersion } from './content-version.entity.ts';

export type EditAuditEventType = 'post.edited' | 'post.deleted' | 'message.edited' | 'message.deleted';

/**
 * The audit event a newly stored version stands for: none for the first version of an item (that is its
 * creation, not an edit); `*.deleted` for deletions; `*.edited` otherwise. Posts and their comments are
 * `post.*`, chat messages and task comments (chat messages in the new task card) `message.*`.
 */
export function auditEventTypeFor(version: ContentVersion): EditAuditEventType | null {
  const kind = version.entityType === 'POST' || version.entityType === 'COMMENT' ? 'post' : 'message';
  if (version.deleted) return `${kind}.deleted`;
  return version.version > 1 ? `${kind}.edited` : null;
}

/**
 * AUDIT HOOK. Called by `recordVersion` for every version it creates, inside the same transaction.
 * The audit log (`services.audit.append(em, events[])`, modules/audit/) is being built in parallel and
 * does not exist yet: when it lands, replace the body with
 *
 *   const type = auditEventTypeFor(version);
 *   if (type) await audit.append(em, [{ type, subject: …, actor: version.editor, data: { entityType,
 *     entityId, version: version.version, source: version.source, sessionKey: version.sessionKey } }]);
 *
 * (pass `audit` in through EditHistoryService's constructor). Until then it records nothing.
 */
export async function writeEditAuditEvents(_em: EntityManager, _version: ContentVersion): Promise<void> {}
