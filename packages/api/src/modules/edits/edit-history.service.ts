import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import { type EditAuditLog, writeEditAuditEvents } from './audit-hook.ts';
import {
  CONTENT_ENTITY_TYPES,
  type ContentEntityType,
  ContentVersion,
  type VersionSource,
} from './content-version.entity.ts';
import { admitVersion, type EditorStandingCheck, nobodyErased } from './editor-standing.ts';
import { type ImpersonatedSessionPredicate, noImpersonatedSessions } from './impersonation.ts';
import { sql } from './sql.ts';
import { type DiffPart, wordDiff } from './word-diff.ts';

export interface RecordVersionInput {
  entityType: ContentEntityType;
  entityId: string;
  text: string;
  editedAt: Date;
  /**
   * Portal user id of who made this version: for portal events the user who triggered the event
   * (`auth[user_id]`), for chat the message's author (only authors edit messages); null when unknown.
   */
  editor: number | null;
  /**
   * The source saw an edit (an UPDATE event), so even the first version stored of an item is an edit of
   * something this system never saw, and is logged as one.
   */
  seenAsEdit?: boolean;
  /** Who saw this text in a page and reported it, once the portal confirmed it (the extension). */
  witnessedBy?: number | null;
  /** SHA-256 hex of the Bitrix24 session, when the source knows it (the extension does). */
  sessionKey?: string | null;
  source: VersionSource;
  /** A deletion: stored as a version with empty text. */
  deleted?: boolean;
  /**
   * The caller logs this edit itself, in the same transaction (`recordEvents` stores the event the
   * extension reported), so the audit hook writes nothing: one edit, one audit event.
   */
  skipAuditEvent?: boolean;
}

export interface VersionWithDiff {
  version: ContentVersion;
  /** Word diff against the previous version (the first version: all of its text as ADDED). */
  diff: DiffPart[];
}

export interface ContentRef {
  entityType: ContentEntityType;
  entityId: string;
}

export interface EditSummary extends ContentRef {
  versionCount: number;
  /** Edits after the first version seen (versionCount − 1, or 0). */
  editCount: number;
  lastEditedAt: Date | null;
  lastEditor: number | null;
  deleted: boolean;
  /** Some version was written in a session the impersonation module knows as "log in as". */
  editedWhileImpersonating: boolean;
}

export const MAX_SUMMARY_REFS = 500;
/** Portal ids are positive integers; 18 digits stays inside PostgreSQL's bigint. */
const ENTITY_ID = /^[1-9][0-9]{0,17}$/;
const SESSION_KEY = /^[0-9a-f]{64}$/;

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function isPortalId(id: string): boolean {
  return ENTITY_ID.test(id);
}

/**
 * Serialises writers of one item until the transaction ends (taking it again in the same transaction is
 * free). Callers that also append to the audit log take it before the chain lock, as `record` does.
 */
export async function lockItem(em: EntityManager, ref: ContentRef): Promise<void> {
  await sql(em, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [
    `content_version:${ref.entityType}:${ref.entityId}`,
  ]);
}

export function validateRef(ref: ContentRef, field: string): void {
  if (!(CONTENT_ENTITY_TYPES as readonly string[]).includes(ref.entityType))
    throw new InvalidInputError(
      `${field}.entityType`,
      `unknown entity type ${JSON.stringify(ref.entityType)}`,
    );
  if (!ENTITY_ID.test(ref.entityId))
    throw new InvalidInputError(`${field}.entityId`, 'must be a portal id (a positive integer)');
}

/** Versions of portal texts: storing them (deduplicated, gap-free numbers), their history and summaries. */
export class EditHistoryService {
  readonly #isImpersonatedSession: ImpersonatedSessionPredicate;
  readonly #audit: EditAuditLog | null;
  readonly #editorStanding: EditorStandingCheck;

  constructor(
    options: {
      isImpersonatedSession?: ImpersonatedSessionPredicate;
      audit?: EditAuditLog;
      /** Erased or anonymised authors (modules/dsr/subject-standing.ts); by default nobody. */
      editorStanding?: EditorStandingCheck;
    } = {},
  ) {
    this.#isImpersonatedSession = options.isImpersonatedSession ?? noImpersonatedSessions;
    this.#audit = options.audit ?? null;
    this.#editorStanding = options.editorStanding ?? nobodyErased;
  }

  /**
   * What the portal's sources (events, the chat poller) may store of a version naming its author: null
   * when the author was erased, the version without the author when they were anonymised.
   */
  admit(em: EntityManager, input: RecordVersionInput): Promise<RecordVersionInput | null> {
    return admitVersion(em, input, this.#editorStanding);
  }

  /**
   * Stores `text` as the next version of the item, unless it equals the latest version (same text hash
   * and deletion state): then the latest is returned. Safe under concurrent writers: a transaction-scoped
   * advisory lock per item serialises them (the unique (type, id, version) is the backstop). Joins the
   * caller's transaction when `em` is in one, so the audit hook's events commit or roll back with it.
   */
  async recordVersion(em: EntityManager, input: RecordVersionInput): Promise<ContentVersion> {
    return (await this.record(em, input)).version;
  }

  /** As `recordVersion`, also telling whether a new version was stored. */
  async record(
    em: EntityManager,
    input: RecordVersionInput,
  ): Promise<{ version: ContentVersion; created: boolean }> {
    validateRef(input, 'version');
    const sessionKey = input.sessionKey ?? null;
    if (sessionKey !== null && !SESSION_KEY.test(sessionKey))
      throw new InvalidInputError('sessionKey', 'must be a SHA-256 hex digest');
    const deleted = input.deleted ?? false;
    const text = deleted ? '' : input.text;
    const hash = textHash(text);
    return em.transactional(async (tx) => {
      await lockItem(tx, input);
      const latest = await tx.findOne(
        ContentVersion,
        { entityType: input.entityType, entityId: input.entityId },
        { orderBy: { version: 'desc' } },
      );
      if (latest && latest.textHash === hash && latest.deleted === deleted)
        return { version: latest, created: false };
      const version = tx.create(ContentVersion, {
        entityType: input.entityType,
        entityId: input.entityId,
        version: (latest?.version ?? 0) + 1,
        text,
        textHash: hash,
        deleted,
        editedAt: input.editedAt,
        editor: input.editor,
        witnessedBy: input.witnessedBy ?? null,
        sessionKey,
        source: input.source,
      });
      await tx.flush();
      if (!input.skipAuditEvent)
        await writeEditAuditEvents(tx, version, this.#audit, input.seenAsEdit ?? false);
      return { version, created: true };
    });
  }

  /** Every version of one item, oldest first, each with its word diff against the one before. */
  async history(em: EntityManager, ref: ContentRef): Promise<VersionWithDiff[]> {
    validateRef(ref, 'ref');
    const versions = await em.find(
      ContentVersion,
      { entityType: ref.entityType, entityId: ref.entityId },
      { orderBy: { version: 'asc' } },
    );
    return versions.map((version, i) => ({
      version,
      diff: wordDiff(versions[i - 1]?.text ?? '', version.text),
    }));
  }

  /**
   * Summaries for many items in one SQL query (plus one call of the impersonation predicate), in the
   * order asked; items never seen have zero versions.
   */
  async summaries(em: EntityManager, refs: readonly ContentRef[]): Promise<EditSummary[]> {
    if (refs.length > MAX_SUMMARY_REFS)
      throw new InvalidInputError(
        'refs',
        `at most ${MAX_SUMMARY_REFS} items per request (got ${refs.length})`,
      );
    for (const [i, ref] of refs.entries()) validateRef(ref, `refs[${i}]`);
    if (refs.length === 0) return [];
    const distinct = new Map(refs.map((r) => [`${r.entityType}:${r.entityId}`, r]));
    const rows = await sql<{
      entity_type: ContentEntityType;
      entity_id: string;
      versions: number;
      last_edited_at: Date | string;
      last_editor: number | null;
      deleted: boolean;
      session_keys: string[] | null;
    }>(
      em,
      `select v.entity_type, v.entity_id, count(*)::int as versions,
              (array_agg(v.edited_at order by v.version desc))[1] as last_edited_at,
              (array_agg(v.editor order by v.version desc))[1] as last_editor,
              (array_agg(v.deleted order by v.version desc))[1] as deleted,
              array_remove(array_agg(distinct v.session_key), null) as session_keys
         from content_version v
         join jsonb_to_recordset(?::jsonb) as r(entity_type text, entity_id text)
           on v.entity_type = r.entity_type and v.entity_id = r.entity_id
        group by v.entity_type, v.entity_id`,
      [
        JSON.stringify(
          [...distinct.values()].map((r) => ({ entity_type: r.entityType, entity_id: r.entityId })),
        ),
      ],
    );
    const found = new Map(rows.map((row) => [`${row.entity_type}:${row.entity_id}`, row]));
    const allKeys = [...new Set(rows.flatMap((row) => row.session_keys ?? []))];
    const impersonated = allKeys.length > 0 ? await this.#isImpersonatedSession(allKeys) : new Set<string>();
    return refs.map((ref) => {
      const row = found.get(`${ref.entityType}:${ref.entityId}`);
      const versionCount = row ? Number(row.versions) : 0;
      return {
        entityType: ref.entityType,
        entityId: ref.entityId,
        versionCount,
        editCount: Math.max(versionCount - 1, 0),
        lastEditedAt: row ? new Date(row.last_edited_at) : null,
        lastEditor: row?.last_editor ?? null,
        deleted: row?.deleted ?? false,
        editedWhileImpersonating: (row?.session_keys ?? []).some((key) => impersonated.has(key)),
      };
    });
  }
}
