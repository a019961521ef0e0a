import { sql } from '../../../edits/sql.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';
import { PERSON_VALUES, personRef } from '../system/people.ts';

interface VersionRow {
  id: string;
  entity_type: string;
  entity_id: string;
  version: number;
  text: string;
  deleted: boolean;
  edited_at: Date | string;
  editor: number | null;
  source: string;
}

/**
 * Every stored version of each item the subject wrote a version of: an item counts as theirs as soon as
 * one of its texts is, so their post keeps its whole history here, an administrator's later change and
 * the deletion (which the portal reports without an editor) included. Session keys are hashes and left out.
 */
const PAGE_QUERY = `select id, entity_type, entity_id, version, text, deleted, edited_at, editor, source
  from content_version
 where (entity_type, entity_id) in (select entity_type, entity_id from content_version where editor = ?)
   and id > ?
 order by id
 limit ${SYSTEM_PAGE}`;

/** Below every UUID, for the first page. */
const FIRST = '00000000-0000-0000-0000-000000000000';

export const editHistory = defineCategory<VersionRow & { editedBy: string | null }>({
  name: 'edit-history',
  title: 'Earlier versions of what you wrote',
  about:
    'The versions of your Live Feed posts and comments, chat messages and task comments that this system ' +
    'stored to show their edit history: each text as it was at a time, the deletion included. ' +
    PERSON_VALUES,
  source: 'system',
  columns: [
    {
      name: 'item_type',
      about: 'POST, COMMENT, MESSAGE or TASK_COMMENT.',
      value: (r) => r.entity_type,
    },
    { name: 'item_id', about: 'Number of the item in Bitrix24.', value: (r) => r.entity_id },
    { name: 'version', about: '1 for the first text seen, then 2, 3…', value: (r) => r.version },
    { name: 'text', about: 'The text of this version; empty for a deletion.', value: (r) => r.text },
    { name: 'deleted', about: 'yes when this version records the deletion.', value: (r) => r.deleted },
    {
      name: 'edited_at',
      about: 'When the text was written or changed (ISO 8601, UTC).',
      value: (r) => new Date(r.edited_at),
    },
    {
      name: 'edited_by',
      about: `Who wrote this version; empty where the portal does not say. ${PERSON_VALUES}`,
      value: (r) => r.editedBy,
    },
    {
      name: 'seen_by',
      about: 'api = this system; extension = the browser extension; portal-event and portal-poll = Bitrix24.',
      value: (r) => r.source,
    },
  ],
  async *rows(ctx) {
    const { em, subjectUserId: subject, secret } = ctx.sources;
    const versions = byId((after) => sql<VersionRow>(em, PAGE_QUERY, [subject, after ?? FIRST]), ctx.signal);
    for await (const v of versions) yield { ...v, editedBy: personRef(secret, subject, v.editor) };
  },
});
