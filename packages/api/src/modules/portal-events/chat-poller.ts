import { type EntityManager, LockMode, type MikroORM } from '@mikro-orm/core';
import type { ImV2Event } from '../../bitrix24/shapes.ts';
import type { Logger } from '../../config/logger.ts';
import { SystemSetting } from '../../db/system-setting.entity.ts';
import type { EditHistoryService, RecordVersionInput } from '../edits/edit-history.service.ts';
import type { PortalConnection } from '../portal/connect.ts';

/** Events per `im.v2.Event.get` (the method allows 1–1000). */
const PAGE_SIZE = 100;
/** Pages per run: a run is bounded; the next run goes on from the stored cursor. */
const MAX_PAGES = 10;

interface Cursor {
  /** Next `offset` for `im.v2.Event.get`; null before the first page. */
  offset: number | null;
  subscribed: boolean;
}

export interface PollResult {
  events: number;
  stored: number;
  pages: number;
}

/**
 * Chat edits of ordinary users are not pushed (BITRIX24.md "Events"): the webhook's user subscribes with
 * `im.v2.Event.subscribe` and this reads its log with `im.v2.Event.get`. The log holds events of chats that
 * user is in, for 24 hours, so the job must run well within that. The cursor (`offset`) lives in
 * `system_setting` and is written in the same transaction as the versions of its page: a repeated or
 * crashed run reads the same page again and stores nothing twice, and two concurrent runs cannot both
 * store one page (the second finds the cursor moved and stops).
 */
export class ChatEventPoller {
  readonly #orm: MikroORM;
  readonly #portal: PortalConnection;
  readonly #edits: EditHistoryService;
  readonly #logger: Logger;

  constructor(options: {
    orm: MikroORM;
    portal: PortalConnection;
    edits: EditHistoryService;
    logger: Logger;
  }) {
    this.#orm = options.orm;
    this.#portal = options.portal;
    this.#edits = options.edits;
    this.#logger = options.logger;
  }

  get #key(): string {
    return `edits.chat-poll.${this.#portal.adminUserId}`;
  }

  async poll(): Promise<PollResult> {
    const client = this.#portal.client;
    const result: PollResult = { events: 0, stored: 0, pages: 0 };
    let cursor = await this.#read(this.#orm.em.fork());
    if (!cursor.subscribed) {
      await client.call('im.v2.Event.subscribe');
      cursor = await this.#write(this.#orm.em.fork(), { ...cursor, subscribed: true });
    }
    while (result.pages < MAX_PAGES) {
      const startOffset = cursor.offset;
      const page = await client.call('im.v2.Event.get', {
        ...(startOffset === null ? {} : { offset: startOffset }),
        limit: PAGE_SIZE,
      });
      result.pages++;
      const versions = page.events.flatMap((event) => toVersion(event) ?? []);
      const nextOffset = page.nextOffset ?? startOffset;
      let moved = false;
      await this.#orm.em.fork().transactional(async (tx) => {
        const row = await tx.findOne(
          SystemSetting,
          { key: this.#key },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        const current = parse(row?.value);
        if (current.offset !== startOffset) {
          moved = true; // another run stored this page already
          return;
        }
        for (const event of versions) {
          const version = await this.#edits.admit(tx, event);
          if (version && (await this.#edits.record(tx, version)).created) result.stored++;
        }
        cursor = await this.#write(tx, { ...current, offset: nextOffset });
      });
      if (moved) break;
      result.events += page.events.length;
      if (!page.hasMore || page.events.length === 0) break;
    }
    if (result.stored > 0) this.#logger.debug({ ...result }, 'chat events polled');
    return result;
  }

  async #read(em: EntityManager): Promise<Cursor> {
    return parse((await em.findOne(SystemSetting, { key: this.#key }))?.value);
  }

  async #write(em: EntityManager, cursor: Cursor): Promise<Cursor> {
    const row = await em.findOne(SystemSetting, { key: this.#key });
    if (row) row.value = cursor;
    else em.create(SystemSetting, { key: this.#key, value: cursor });
    await em.flush();
    return cursor;
  }
}

function parse(value: unknown): Cursor {
  const v = (value ?? {}) as Partial<Cursor>;
  return { offset: typeof v.offset === 'number' ? v.offset : null, subscribed: v.subscribed === true };
}

const MESSAGE_ID = /^[1-9][0-9]{0,17}$/;

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
