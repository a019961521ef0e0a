import type { EntityManager } from '@mikro-orm/core';
import type { ContentEntityType } from './content-version.entity.ts';
import type { ContentRef } from './edit-history.service.ts';
import { sql } from './sql.ts';

/**
 * The edit history of a data subject, for their erasure or anonymisation.
 *
 * An item is the subject's when some version names them as its editor (portal events and the chat
 * poller record the author there) or when the erasure listed it as theirs (`refs`: the extension reports
 * versions without an editor, since a page does not say who edited). Every version of such an item is
 * text the subject wrote, or an empty deletion mark of it.
 */

/** Erasure: every version of every item of the subject goes; returns how many, and the items they were of. */
export async function deleteSubjectVersions(
  em: EntityManager,
  userId: number,
  refs: readonly ContentRef[],
): Promise<{ versions: number; items: ContentRef[] }> {
  const rows = await sql<{ entity_type: ContentEntityType; entity_id: string }>(
    em,
    `delete from content_version v
      where (v.entity_type, v.entity_id) in (
              select entity_type, entity_id from content_version where editor = ?
              union
              select r.entity_type, r.entity_id from jsonb_to_recordset(?::jsonb) as r(entity_type text, entity_id text))
      returning v.entity_type, v.entity_id`,
    [userId, JSON.stringify(refs.map((r) => ({ entity_type: r.entityType, entity_id: r.entityId })))],
  );
  const items = new Map(rows.map((r) => [`${r.entity_type}:${r.entity_id}`, r]));
  return {
    versions: rows.length,
    items: [...items.values()].map((r) => ({ entityType: r.entity_type, entityId: r.entity_id })),
  };
}

/** The audit target of an item's edit events (audit-hook.ts, extension-edits.ts name them so). */
export function auditTargetOf(ref: ContentRef): { type: string; id: string } {
  return { type: ref.entityType.toLowerCase(), id: ref.entityId };
}

/**
 * Anonymisation: the texts stay (so do the posts and messages on the portal, no longer naming the
 * employee), but no version names the subject as its editor any more. Returns how many versions.
 */
export async function unlinkSubjectVersions(em: EntityManager, userId: number): Promise<number> {
  const rows = await sql<{ id: string }>(
    em,
    'update content_version set editor = null, updated_at = now() where editor = ? returning id',
    [userId],
  );
  return rows.length;
}

/**
 * Versions the subject saw and reported (the extension's `witnessedBy`): the texts are other people's and
 * stay; the versions no longer say who saw them. Returns how many versions.
 */
export async function forgetWitness(em: EntityManager, userId: number): Promise<number> {
  const rows = await sql<{ id: string }>(
    em,
    'update content_version set witnessed_by = null, updated_at = now() where witnessed_by = ? returning id',
    [userId],
  );
  return rows.length;
}

/**
 * Texts that name the subject (their full name or e-mail: our own impersonation alerts in a chat the
 * poller reads, or a colleague's post) name them by `replacement` instead, the pseudonym their profile
 * now shows; each changed text gets its new hash. Returns the versions changed.
 */
export async function redactMentions(
  em: EntityManager,
  mentions: readonly string[],
  replacement: string,
): Promise<number> {
  let changed = 0;
  // Short strings would match inside ordinary words.
  for (const mention of new Set(mentions.filter((m) => m.trim().length >= 5))) {
    const rows = await sql<{ id: string }>(
      em,
      `update content_version
          set text = replace(text, ?, ?),
              text_hash = encode(sha256(convert_to(replace(text, ?, ?), 'UTF8')), 'hex'),
              updated_at = now()
        where strpos(text, ?) > 0
        returning id`,
      [mention, replacement, mention, replacement, mention],
    );
    changed += rows.length;
  }
  return changed;
}
