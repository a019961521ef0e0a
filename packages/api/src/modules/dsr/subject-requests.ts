import type { EntityManager } from '@mikro-orm/core';
import type { ContentEntityType } from '../edits/content-version.entity.ts';
import type { ContentRef } from '../edits/edit-history.service.ts';
import { sql } from '../edits/sql.ts';
import { DataSubjectRequest } from './data-subject-request.entity.ts';
import { parseMessageRef } from './erasure/categories.ts';
import { pseudonymiseJson, pseudonymiseText, type SubjectId } from './subject-references.ts';

/** Every request about the subject (by id, or by pseudonym after an earlier anonymisation) or asked by them. */
export function requestsOf(em: EntityManager, subject: SubjectId): Promise<DataSubjectRequest[]> {
  return em.find(DataSubjectRequest, {
    $or: [
      { subjectUserId: subject.userId },
      { subjectPseudonym: subject.pseudonym },
      { requesterUserId: subject.userId },
    ],
  });
}

/** Whether a request is about the subject (rather than only asked by them). */
export function isAbout(request: DataSubjectRequest, subject: SubjectId): boolean {
  return request.subjectUserId === subject.userId || request.subjectPseudonym === subject.pseudonym;
}

/**
 * The subject's id leaves the request rows: the columns take the pseudonym (or null), the JSON columns
 * and the error text follow subject-references.ts, and export archives are forgotten (their files are
 * deleted by the caller). `running` is the request doing this: its checkpoint and result are the
 * runner's, written after this step, so the handler cleans those itself. Returns the rows changed.
 */
export async function pseudonymiseRequests(
  em: EntityManager,
  requests: readonly DataSubjectRequest[],
  subject: SubjectId,
  running: string,
): Promise<number> {
  let changed = 0;
  for (const request of requests) {
    const about = isAbout(request, subject);
    const json = <T>(value: T): T => pseudonymiseJson(value, subject) as T;
    changed += await em.nativeUpdate(
      DataSubjectRequest,
      { id: request.id },
      {
        ...(about ? { subjectUserId: null, subjectPseudonym: subject.pseudonym } : {}),
        ...(request.requesterUserId === subject.userId ? { requesterUserId: null } : {}),
        ...(about && request.type === 'EXPORT' ? { archivePath: null, archiveExpiresAt: null } : {}),
        acceptedUnder: json(request.acceptedUnder),
        preview: json(request.preview),
        progress: json(request.progress),
        error: request.error ? pseudonymiseText(request.error, subject) : null,
        ...(request.id === running
          ? {}
          : { checkpoint: json(request.checkpoint), result: json(request.result) }),
      },
    );
  }
  return changed;
}

/** The erasure ledger's rows that name the subject (the account item, their private chat), pseudonymised. */
export async function pseudonymiseLedger(
  em: EntityManager,
  requestIds: readonly string[],
  subject: SubjectId,
): Promise<number> {
  if (requestIds.length === 0) return 0;
  const id = String(subject.userId);
  // A coarse filter in SQL; the exact rule is applied below.
  const rows = await sql<{ id: string; category: string; portal_id: string; label: string | null }>(
    em,
    `select id, category, portal_id, label from erasure_item
      where request_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
        and (portal_id = ? or portal_id like ? or label like ?)`,
    [JSON.stringify(requestIds), id, `${id}:%`, `%${id}%`],
  );
  let changed = 0;
  for (const row of rows) {
    const [item] = pseudonymiseJson([{ category: row.category, portalId: row.portal_id }], subject) as {
      portalId: string;
    }[];
    const label = row.label === null ? null : pseudonymiseText(row.label, subject);
    if (item!.portalId === row.portal_id && label === row.label) continue;
    await sql(em, 'update erasure_item set portal_id = ?, label = ?, updated_at = now() where id = ?', [
      item!.portalId,
      label,
      row.id,
    ]);
    changed++;
  }
  return changed;
}

const CONTENT_CATEGORIES: Record<string, ContentEntityType> = {
  'live-feed-post': 'POST',
  'live-feed-comment': 'COMMENT',
  'chat-message': 'MESSAGE',
  'task-comment': 'TASK_COMMENT',
};

/**
 * The portal items the subject's erasures listed as theirs (deleted or kept), as edit-history refs:
 * the extension's versions name no editor, so the ledger is what ties them to the subject.
 */
export async function ledgerContentRefs(
  em: EntityManager,
  requestIds: readonly string[],
): Promise<ContentRef[]> {
  if (requestIds.length === 0) return [];
  const rows = await sql<{ category: string; portal_id: string }>(
    em,
    `select category, portal_id from erasure_item
      where request_id in (select jsonb_array_elements_text(?::jsonb)::uuid) and category in (select jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(requestIds), JSON.stringify(Object.keys(CONTENT_CATEGORIES))],
  );
  return rows.flatMap((row) => {
    const entityType = CONTENT_CATEGORIES[row.category]!;
    const entityId = row.portal_id.includes(':') ? lastSegment(row.portal_id) : row.portal_id;
    return /^[1-9][0-9]{0,17}$/.test(entityId) ? [{ entityType, entityId }] : [];
  });
}

function lastSegment(portalId: string): string {
  try {
    return String(parseMessageRef(portalId).messageId);
  } catch {
    return portalId.slice(portalId.lastIndexOf(':') + 1);
  }
}
