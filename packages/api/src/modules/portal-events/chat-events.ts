import type { EntityManager } from '@mikro-orm/core';
import type { ImV2Event } from '../../bitrix24/shapes.ts';
import { ContentVersion } from '../edits/content-version.entity.ts';
import { type RecordVersionInput, textHash } from '../edits/edit-history.service.ts';

const MESSAGE_ID = /^[1-9][0-9]{0,17}$/;

/**
 * How far apart two participants' copies of one change may be dated. The portal writes an event into the
 * log of every subscribed member of the chat when the change happens (im.v2/events/events.md), so the
 * copies carry the same `date`, to the second, or the next second when the write straddles one.
 */
export const SAME_CHANGE_WINDOW_MS = 1_000;

/** ONIMV2MESSAGEADD / UPDATE / DELETE → the version it stands for (events.md payloads). */
export function toVersion(event: ImV2Event): RecordVersionInput | null {
  const at = Date.parse(event.date);
  const editedAt = Number.isNaN(at) ? new Date() : new Date(at);
  const data = event.data as {
    message?: { id?: unknown; authorId?: unknown; text?: unknown; params?: Record<string, unknown> | null };
    messageId?: unknown;
  };
  switch (event.type) {
    case 'ONIMV2MESSAGEADD':
    case 'ONIMV2MESSAGEUPDATE': {
      const m = data.message;
      const id = String(m?.id ?? '');
      if (!MESSAGE_ID.test(id)) return null;
      const deleted = m?.params?.IS_DELETED === 'Y';
      return {
        entityType: 'MESSAGE',
        entityId: id,
        text: deleted ? '' : String(m?.text ?? ''),
        deleted,
        editedAt,
        editor: Number(m?.authorId) || null,
        source: 'portal-poll',
        seenAsEdit: event.type === 'ONIMV2MESSAGEUPDATE',
      };
    }
    case 'ONIMV2MESSAGEDELETE': {
      const id = String(data.messageId ?? '');
      if (!MESSAGE_ID.test(id)) return null;
      // The payload's `user` is the message's author, not necessarily who deleted it: editor unknown.
      return {
        entityType: 'MESSAGE',
        entityId: id,
        text: '',
        deleted: true,
        editedAt,
        editor: null,
        source: 'portal-poll',
      };
    }
    default:
      return null;
  }
}

/**
 * Whether this change was already stored from another participant's log: a version of the message with
 * the same text and deletion state, dated within SAME_CHANGE_WINDOW_MS. Comparing with every version, not
 * only the latest, matters: after A's log stored "v1" then "v2", B's copy of "v1" is not news. A real
 * revert to an earlier text is a later change, so it is dated later and stored. Call it holding the
 * item's lock (`lockItem`), so two logs read at once cannot both find nothing.
 */
export async function storedFromAnotherLog(em: EntityManager, version: RecordVersionInput): Promise<boolean> {
  const deleted = version.deleted ?? false;
  const at = version.editedAt.getTime();
  const found = await em.count(ContentVersion, {
    entityType: version.entityType,
    entityId: version.entityId,
    textHash: textHash(deleted ? '' : version.text),
    deleted,
    editedAt: { $gte: new Date(at - SAME_CHANGE_WINDOW_MS), $lte: new Date(at + SAME_CHANGE_WINDOW_MS) },
  });
  return found > 0;
}
