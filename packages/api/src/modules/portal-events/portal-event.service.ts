import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { type Bitrix24Client, Bitrix24Error } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { EditHistoryService, RecordVersionInput } from '../edits/edit-history.service.ts';
import { sql } from '../edits/sql.ts';
import type { PortalConnection } from '../portal/connect.ts';
import { EVENTS_PATH, HANDLED_EVENTS, type HandledEvent } from './events.ts';
import { PortalEvent } from './portal-event.entity.ts';

/** After this many failed attempts an inbox row stays unprocessed, with its last error, for an operator. */
export const MAX_ATTEMPTS = 10;
const CLAIM_SECONDS = 60;
const DRAIN_BATCH = 50;
const PORTAL_ID = /^[1-9][0-9]{0,17}$/;

/** task.commentitem.get's answer for a missing or unreadable task or comment (task-comment-item-get.md). */
function isItemNotFound(err: unknown): boolean {
  return (
    err instanceof Bitrix24Error &&
    err.code === 'ERROR_CORE' &&
    /ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE/.test(err.description)
  );
}

/**
 * The user whose action fired the event: `auth[user_id]` of the authorisation the portal issues for that
 * user (api-reference/events/index.md, "Parameter auth"). Absent when no user did it (a robot, a workflow,
 * an agent) or the handler is an outgoing webhook, which gets no tokens: then who edited is unknown (null),
 * never guessed from the item's author. Handlers are bound without `auth_type`, which would name its user
 * here instead of the triggering one.
 */
function triggeredBy(payload: Record<string, string>): number | null {
  const id = payload['auth[user_id]'] ?? '';
  return PORTAL_ID.test(id) && Number(id) <= 2_147_483_647 ? Number(id) : null;
}

/** What one delivery means for edit history: a version to store, or nothing (with the reason). */
type Outcome = { version: RecordVersionInput } | { skipped: string };

export interface PortalEventServiceOptions {
  orm: MikroORM;
  portal: PortalConnection;
  edits: EditHistoryService;
  logger: Logger;
  /** Where the portal reaches this API (known once the server listens). */
  publicUrl: () => string;
}

/**
 * The inbox of pushed portal events: `receive` stores a verified delivery, `drain` turns stored deliveries
 * into versions (fetching the text from the portal, as events carry only ids), `bindHandlers` registers
 * the handler URL with the portal.
 */
export class PortalEventService {
  readonly #o: PortalEventServiceOptions;
  #draining: Promise<number> | null = null;

  constructor(options: PortalEventServiceOptions) {
    this.#o = options;
  }

  async receive(
    em: EntityManager,
    event: HandledEvent,
    payload: Record<string, string>,
  ): Promise<PortalEvent> {
    const row = em.create(PortalEvent, {
      event,
      payload,
      processedAt: null,
      claimedUntil: null,
      attempts: 0,
    });
    await em.flush();
    return row;
  }

  /** Starts a drain in the background (one at a time per process); failures stay in the inbox. */
  drainSoon(): void {
    if (this.#draining) return;
    this.#draining = this.drain()
      .catch((err: unknown) => {
        this.#o.logger.warn({ err }, 'portal event drain failed');
        return 0;
      })
      .finally(() => {
        this.#draining = null;
      });
  }

  /** Waits for a background drain, if one runs (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#draining;
  }

  /**
   * Processes stored deliveries until none is left (bounded by `maxRows`). Rows are claimed with a
   * conditional UPDATE (SKIP LOCKED), so any number of processes may drain at once; a crashed claim
   * expires after a minute. Returns how many rows were processed.
   */
  async drain(maxRows = 500): Promise<number> {
    let done = 0;
    while (done < maxRows) {
      const ids = await this.#claim(Math.min(DRAIN_BATCH, maxRows - done));
      if (ids.length === 0) break;
      for (const id of ids) {
        await this.#processOne(id);
        done++;
      }
    }
    return done;
  }

  async #claim(limit: number): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      this.#o.orm.em.fork(),
      `update portal_event
          set claimed_until = now() + make_interval(secs => ?), attempts = attempts + 1, updated_at = now()
        where id in (select id from portal_event
                      where processed_at is null and attempts < ?
                        and (claimed_until is null or claimed_until < now())
                      order by created_at, id
                      limit ? for update skip locked)
        returning id`,
      [CLAIM_SECONDS, MAX_ATTEMPTS, limit],
    );
    return rows.map((r) => r.id);
  }

  async #processOne(id: string): Promise<void> {
    const em = this.#o.orm.em.fork();
    const row = await em.findOneOrFail(PortalEvent, { id });
    try {
      // The portal call happens outside any transaction: a transaction must never wait on the network.
      const outcome = await this.#interpret(row);
      await em.transactional(async (tx) => {
        const version = 'version' in outcome ? await this.#o.edits.admit(tx, outcome.version) : null;
        if (version) await this.#o.edits.recordVersion(tx, version);
        await tx.nativeUpdate(
          PortalEvent,
          { id },
          {
            processedAt: new Date(),
            claimedUntil: null,
            error: 'skipped' in outcome ? outcome.skipped : null,
          },
        );
      });
    } catch (err) {
      this.#o.logger.warn({ err, event: row.event, id }, 'portal event processing failed; will retry');
      const backoffSeconds = Math.min(30 * 2 ** (row.attempts - 1), 3600);
      await this.#o.orm.em.fork().nativeUpdate(
        PortalEvent,
        { id },
        {
          error: err instanceof Error ? err.message : String(err),
          claimedUntil: new Date(Date.now() + backoffSeconds * 1000),
        },
      );
    }
  }

  async #interpret(row: PortalEvent): Promise<Outcome> {
    const p = row.payload;
    const ts = Number(p.ts);
    const editedAt = Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000) : row.createdAt;
    const client = this.#o.portal.client;
    const editor = triggeredBy(p);
    switch (row.event as HandledEvent) {
      case 'ONLIVEFEEDPOSTADD':
      case 'ONLIVEFEEDPOSTUPDATE': {
        const postId = p['data[FIELDS][POST_ID]'] ?? '';
        if (!PORTAL_ID.test(postId)) return { skipped: `bad POST_ID ${JSON.stringify(postId)}` };
        const posts = await client.call('log.blogpost.get', { POST_ID: postId });
        const post = posts.find((candidate) => String(candidate.ID) === postId);
        // Deleted since, or not visible to the webhook's user: the text cannot be known.
        if (!post)
          return { skipped: `post ${postId} not found (deleted or not visible to the webhook's user)` };
        return {
          version: {
            entityType: 'POST',
            entityId: postId,
            text: String(post.DETAIL_TEXT ?? ''),
            editedAt,
            // Who changed it, not whose post it is: an administrator's edit of a colleague's post is theirs.
            editor,
            source: 'portal-event',
            seenAsEdit: row.event === 'ONLIVEFEEDPOSTUPDATE',
          },
        };
      }
      case 'ONLIVEFEEDPOSTDELETE': {
        const postId = p['data[FIELDS][POST_ID]'] ?? '';
        if (!PORTAL_ID.test(postId)) return { skipped: `bad POST_ID ${JSON.stringify(postId)}` };
        return {
          version: {
            entityType: 'POST',
            entityId: postId,
            text: '',
            deleted: true,
            editedAt,
            editor,
            source: 'portal-event',
          },
        };
      }
      case 'ONTASKCOMMENTADD':
      case 'ONTASKCOMMENTUPDATE':
        return this.#taskComment(client, p, editedAt, editor, row.event === 'ONTASKCOMMENTUPDATE');
      case 'ONTASKCOMMENTDELETE': {
        const commentId = p['data[FIELDS_BEFORE][ID]'] ?? p['data[FIELDS_AFTER][ID]'] ?? '';
        if (!PORTAL_ID.test(commentId)) return { skipped: `bad comment ID ${JSON.stringify(commentId)}` };
        return {
          version: {
            entityType: 'TASK_COMMENT',
            entityId: commentId,
            text: '',
            deleted: true,
            editedAt,
            editor,
            source: 'portal-event',
          },
        };
      }
      default:
        return { skipped: `unhandled event ${row.event}` };
    }
  }

  /**
   * ONTASKCOMMENT{ADD,UPDATE} (api-reference/tasks/comment-item/events-comment/on-task-comment-*.md):
   * `data[FIELDS_AFTER][ID]` and `[TASK_ID]`; the text comes from `task.commentitem.get` (TASKID, ITEMID,
   * in that order: the portal maps them by position). In the new task card the ID is 0 and the comment is
   * the chat message `MESSAGE_ID`, which the chat poller reads.
   */
  async #taskComment(
    client: Bitrix24Client,
    p: Record<string, string>,
    editedAt: Date,
    editor: number | null,
    seenAsEdit: boolean,
  ): Promise<Outcome> {
    const commentId = p['data[FIELDS_AFTER][ID]'] ?? '';
    const taskId = p['data[FIELDS_AFTER][TASK_ID]'] ?? '';
    const messageId = p['data[FIELDS_AFTER][MESSAGE_ID]'];
    if (commentId === '0' && messageId)
      return { skipped: `task ${taskId} comment is chat message ${messageId} (new task card)` };
    if (!PORTAL_ID.test(commentId) || !PORTAL_ID.test(taskId))
      return { skipped: `bad task comment ids ${JSON.stringify({ commentId, taskId })}` };
    let result: unknown;
    try {
      ({ result } = await client.request('task.commentitem.get', { TASKID: taskId, ITEMID: commentId }));
    } catch (err) {
      // Deleted since (its delete event records that), or not readable by the webhook's user.
      if (isItemNotFound(err))
        return {
          skipped: `task comment ${commentId} not found (deleted or not visible to the webhook's user)`,
        };
      throw err;
    }
    const comment = (result ?? {}) as { POST_MESSAGE?: unknown };
    return {
      version: {
        entityType: 'TASK_COMMENT',
        entityId: commentId,
        text: String(comment.POST_MESSAGE ?? ''),
        editedAt,
        editor,
        source: 'portal-event',
        seenAsEdit,
      },
    };
  }

  /**
   * Registers `${PUBLIC_URL}/bitrix24/events` for every handled event, once: `event.get` first, and an
   * "already exists" answer counts as bound. Returns the events newly bound.
   */
  async bindHandlers(): Promise<string[]> {
    const handler = `${this.#o.publicUrl().replace(/\/+$/, '')}${EVENTS_PATH}`;
    const client = this.#o.portal.client;
    const existing = await client.call('event.get');
    const bound = new Set(existing.filter((h) => h.handler === handler).map((h) => h.event.toUpperCase()));
    const added: string[] = [];
    for (const event of HANDLED_EVENTS) {
      if (bound.has(event)) continue;
      try {
        await client.call('event.bind', { event, handler });
        added.push(event);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERROR_HANDLER_ALREADY_EXIST') throw err;
      }
    }
    return added;
  }
}
