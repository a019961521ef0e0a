import { type EntityManager, LockMode, type MikroORM } from '@mikro-orm/core';
import {
  Bitrix24AccessError,
  Bitrix24AuthError,
  type Bitrix24Client,
  type Bitrix24Error,
  command,
  lists,
  readBatchedKeyset,
} from '../../bitrix24/index.ts';
import type { ImV2Event } from '../../bitrix24/shapes.ts';
import type { Logger } from '../../config/logger.ts';
import type { EditHistoryService, RecordVersionInput } from '../edits/edit-history.service.ts';
import { lockItem } from '../edits/edit-history.service.ts';
import { type EditorStandingCheck, nobodyErased } from '../edits/editor-standing.ts';
import type { CredentialStatus, PortalConnection } from '../portal/connect.ts';
import { storedFromAnotherLog, toVersion } from './chat-events.ts';
import { type ChatCaptureState, ChatPollCursor } from './chat-poll-cursor.entity.ts';

export { toVersion } from './chat-events.ts';

/** Events per `im.v2.Event.get`: the method's maximum (event-get.md: 1–1000), so one request reads most logs. */
const PAGE_SIZE = 1000;
/** Pages per user per round: a round is bounded; the next one goes on from the stored cursor. */
const MAX_PAGES_PER_USER = 5;
/**
 * Users read at once. The process-wide limiter paces every request to the portal anyway; two in flight
 * keep it busy while leaving at most two poll requests queued ahead of anyone else's (an export, a page).
 */
const CONCURRENCY = 2;

export interface PollResult {
  /** Active employees of the portal this round. */
  users: number;
  /** Users whose log was read. */
  polled: number;
  /** Users we cannot read (credentials missing or dead). */
  uncaptured: number;
  events: number;
  stored: number;
  pages: number;
  /** HTTP requests made with users' credentials (the user list, read as an administrator, not counted). */
  requests: number;
}

interface Page {
  events: ImV2Event[];
  nextOffset: number | null;
  hasMore: boolean;
}

/**
 * Chat edits reach an application only by polling each user's own event log (BITRIX24-APPS.md §5;
 * b24restdocs api-reference/chat-bots/chat-bots-v2/im.v2/events/index.md): the user subscribes with their
 * own credentials (`im.v2.Event.subscribe`), and `im.v2.Event.get` returns events of the chats *that user*
 * is in, kept 24 hours or until acknowledged by a later call's `offset`; one consumer per user (a second
 * consumer's `offset` removes the records for both).
 *
 * A round: list the active employees (administrator's credentials, 2,500 per request), note for each
 * whether their own credentials are usable (`portal.credentialStatus`), and read the log of every user whose
 * are, one request per user: the first contact is one `batch` of subscribe + first page, later ones a single
 * `im.v2.Event.get`. Users cannot share a request: a `batch` runs every command with the batch's own
 * credentials (bitrix-core-business `rest_provider.php` `methodsBatch` copies the batch's auth into every
 * command; `CRestServerBatchItem::checkAuth` reuses the batch's user), so fifty `im.v2.Event.get` in one
 * batch read one log fifty times.
 *
 * Each page is stored in one transaction with the user's cursor: a repeated or crashed round reads the same
 * page again (it was not acknowledged) and stores nothing twice, and of two concurrent rounds only the one
 * that finds the cursor where it started stores the page. A change in a chat with several members is in
 * every member's log: it becomes one version (`storedFromAnotherLog`).
 */
export class ChatEventPoller {
  readonly #orm: MikroORM;
  readonly #portal: PortalConnection;
  readonly #edits: EditHistoryService;
  readonly #logger: Logger;
  readonly #standing: EditorStandingCheck;

  constructor(options: {
    orm: MikroORM;
    portal: PortalConnection;
    edits: EditHistoryService;
    logger: Logger;
    /** Erased or anonymised employees (modules/dsr/subject-standing.ts): we keep no row naming them. */
    standing?: EditorStandingCheck;
  }) {
    this.#orm = options.orm;
    this.#portal = options.portal;
    this.#edits = options.edits;
    this.#logger = options.logger;
    this.#standing = options.standing ?? nobodyErased;
  }

  /** One round over every active employee. */
  async poll(): Promise<PollResult> {
    const active = await this.#activeUsers();
    const result: PollResult = {
      users: active.length,
      polled: 0,
      uncaptured: 0,
      events: 0,
      stored: 0,
      pages: 0,
      requests: 0,
    };
    const readable = await this.#sortOut(active, result);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < readable.length; i = next++)
        await this.#pollUser(readable[i] as number, result);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, readable.length) }, worker));
    if (result.stored > 0 || result.uncaptured > 0) this.#logger.debug({ ...result }, 'chat events polled');
    return result;
  }

  async #activeUsers(): Promise<number[]> {
    const ids: number[] = [];
    const spec = lists.users({ FILTER: { ACTIVE: true, USER_TYPE: 'employee' }, ADMIN_MODE: true });
    for await (const page of readBatchedKeyset(this.#portal.client, spec))
      for (const user of page) ids.push(Number(user.ID));
    return ids;
  }

  /**
   * Brings the rows in line with the portal: users who left lose theirs, everyone else has one saying
   * whether we can read their log. Returns the users to read, least recently read first.
   */
  async #sortOut(active: number[], result: PollResult): Promise<number[]> {
    const em = this.#orm.em.fork();
    const rows = new Map((await em.find(ChatPollCursor, {})).map((row) => [row.userId, row]));
    // An anonymised employee may still be active; their id is kept nowhere, so neither is their log read.
    const settled = new Set<number>();
    for (const userId of active) if (await this.#standing(em, userId)) settled.add(userId);
    const activeSet = new Set(active.filter((id) => !settled.has(id)));
    for (const [userId, row] of rows) if (!activeSet.has(userId)) em.remove(row);
    const now = new Date();
    for (const userId of activeSet) {
      const status = await this.#portal.credentialStatus(userId);
      const state: ChatCaptureState = status.state;
      const reason = status.state === 'usable' ? null : status.reason;
      const row = rows.get(userId);
      if (!row) {
        rows.set(userId, em.create(ChatPollCursor, { userId, state, reason, stateSince: now, offset: null }));
      } else if (row.state !== state && !(state === 'usable' && row.state === 'dead')) {
        // A token that died while in use stays dead until the connection says it is usable again with a
        // new one; a webhook refused by the portal (status still "usable") is retried by #pollUser.
        setState(row, state, reason, now);
      } else if (state !== 'usable') row.reason = reason;
    }
    await em.flush();
    const readable = [...rows.values()]
      .filter((row) => activeSet.has(row.userId) && row.state !== 'missing')
      .sort((a, b) => (a.lastPolledAt?.getTime() ?? 0) - (b.lastPolledAt?.getTime() ?? 0));
    result.uncaptured = [...rows.values()].filter(
      (r) => activeSet.has(r.userId) && r.state === 'missing',
    ).length;
    return readable.map((row) => row.userId);
  }

  async #pollUser(userId: number, result: PollResult): Promise<void> {
    const status = await this.#portal.credentialStatus(userId);
    const client = status.state === 'usable' ? await this.#portal.credentialsFor(userId) : undefined;
    if (!client) {
      result.uncaptured++;
      await this.#markUncaptured(userId, status, null);
      return;
    }
    try {
      for (let pages = 0; pages < MAX_PAGES_PER_USER; pages++) {
        const cursor = await this.#orm.em.fork().findOneOrFail(ChatPollCursor, { userId });
        const subscribing = cursor.subscribedAt === null;
        const offset = cursor.offset ?? null;
        const page = await this.#readPage(client, offset, subscribing);
        result.requests++;
        result.pages++;
        const stored = await this.#store(userId, offset, page, subscribing);
        if (stored === null) break; // another round stored this page already
        result.stored += stored;
        result.events += page.events.length;
        if (!page.hasMore || page.events.length === 0) break;
      }
      result.polled++;
    } catch (err) {
      if (!(err instanceof Bitrix24AuthError || err instanceof Bitrix24AccessError)) {
        this.#logger.warn({ err, userId }, 'reading a chat event log failed; the next round retries');
        return;
      }
      result.uncaptured++;
      await this.#markUncaptured(userId, await this.#portal.credentialStatus(userId), err);
    }
  }

  /** The first contact subscribes and reads the first page in one request (both as the user). */
  async #readPage(client: Bitrix24Client, offset: number | null, subscribe: boolean): Promise<Page> {
    const params = offset === null ? { limit: PAGE_SIZE } : { offset, limit: PAGE_SIZE };
    if (!subscribe) return normalise(await client.call('im.v2.Event.get', params));
    const out = await client.batch(
      { subscribe: command('im.v2.Event.subscribe'), page: command('im.v2.Event.get', params) },
      { halt: true },
    );
    if (out.subscribe.status === 'error') throw out.subscribe.error;
    if (out.page.status !== 'ok') throw out.page.status === 'error' ? out.page.error : new Error('not run');
    return normalise(out.page.result);
  }

  /** Stores a page's versions and moves the cursor past it, or returns null when the cursor moved. */
  async #store(
    userId: number,
    startOffset: number | null,
    page: Page,
    subscribed: boolean,
  ): Promise<number | null> {
    return this.#orm.em.fork().transactional(async (tx) => {
      const row = await tx.findOne(ChatPollCursor, { userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row || (row.offset ?? null) !== startOffset) return null;
      const versions = page.events.flatMap((event) => toVersion(event) ?? []);
      // Every item lock of the page first, in one order: storing a version takes the audit chain's lock
      // until the transaction ends, so an item lock taken after it could wait on a round that holds that
      // item and waits for the chain.
      const items = [...new Set(versions.map((v) => v.entityId))].sort();
      for (const entityId of items) await lockItem(tx, { entityType: 'MESSAGE', entityId });
      let stored = 0;
      for (const version of versions) stored += await this.#storeVersion(tx, version);
      const now = new Date();
      row.offset = page.nextOffset ?? startOffset;
      row.lastPolledAt = now;
      if (subscribed && row.subscribedAt === null) row.subscribedAt = now;
      if (row.state !== 'usable') setState(row, 'usable', null, now);
      await tx.flush();
      return stored;
    });
  }

  async #storeVersion(tx: EntityManager, parsed: RecordVersionInput): Promise<number> {
    const version = await this.#edits.admit(tx, parsed);
    if (!version || (await storedFromAnotherLog(tx, version))) return 0;
    return (await this.#edits.record(tx, version)).created ? 1 : 0;
  }

  async #markUncaptured(
    userId: number,
    status: CredentialStatus,
    refused: Bitrix24Error | null,
  ): Promise<void> {
    const em = this.#orm.em.fork();
    const row = await em.findOne(ChatPollCursor, { userId });
    if (!row) return;
    const now = new Date();
    if (status.state !== 'usable') {
      if (row.state !== status.state) setState(row, status.state, status.reason, now);
      else row.reason = status.reason;
    } else {
      // Credentials we hold but the portal refuses (a deleted webhook, a token without the im scope).
      const code = refused?.code ?? 'refused';
      const reason = `the portal refused user ${userId}'s own credentials (${code}); they must be renewed`;
      if (row.state !== 'dead') setState(row, 'dead', reason, now);
      else row.reason = reason;
    }
    row.lastPolledAt = now;
    await em.flush();
  }
}

function setState(row: ChatPollCursor, state: ChatCaptureState, reason: string | null, now: Date): void {
  row.state = state;
  row.reason = reason;
  row.stateSince = now;
}

function normalise(page: { events?: ImV2Event[]; nextOffset?: number | null; hasMore?: boolean }): Page {
  const next = Number(page.nextOffset);
  return {
    events: Array.isArray(page.events) ? page.events : [],
    nextOffset:
      page.nextOffset === null || page.nextOffset === undefined || !Number.isFinite(next) ? null : next,
    hasMore: page.hasMore === true,
  };
}
