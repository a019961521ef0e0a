import { setImmediate } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import { uuidv7 } from '../../db/uuid.ts';
import { InvalidInputError } from '../../errors.ts';
import { sha256Hex } from '../identity/secrets.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { inTransaction, lockChain } from './audit-chain.ts';
import {
  type Commitments,
  commitmentsOf,
  hashPrepared,
  hashWith,
  type PreparedDigest,
  prepareDigest,
} from './audit-hash.ts';
import { createPartition, partitionFor } from './audit-partitions.ts';
import { pseudonymiseSubject } from './audit-pseudonymise.ts';
import { type AuditFilter, type AuditPage, queryEvents } from './audit-query.ts';
import type { AuditEventDraft, AuditRecord } from './audit-record.ts';
import { type MaintenanceOutcome, maintain } from './audit-retention.ts';
import { boundSql, rowHead, rowJson, sql } from './audit-sql.ts';
import { type AuditVerification, type VerifyRange, verifyChain } from './audit-verify.ts';

export const ACTION_PATTERN = /^[a-z]+(\.[a-z_]+)+$/;
const SESSION_KEY = /^[0-9a-f]{64}$/;

export interface AuditServiceOptions {
  /** Tests only: the received-at clock (the database's `clock_timestamp()` otherwise). */
  clock?: () => Date;
}

/**
 * The tamper-evident audit log: a hash chain (audit-hash.ts) in a table partitioned by month
 * (audit-partitions.ts). Every method takes the caller's EntityManager and joins its transaction.
 */
export class AuditService {
  readonly #secret: () => AppSecret;
  readonly #settings: SettingsService;
  readonly #clock: (() => Date) | undefined;
  /** Partitions this process knows exist, so the writer checks the catalogue once a month. */
  readonly #partitions = new Set<string>();

  constructor(secret: () => AppSecret, settings: SettingsService, options: AuditServiceOptions = {}) {
    this.#secret = secret;
    this.#settings = settings;
    this.#clock = options.clock;
  }

  readonly #mac = (purpose: string, value: string) => this.#secret().mac(purpose, value);

  /**
   * Appends events to the chain inside the caller's transaction (one lock, one multi-row insert), so a
   * mutation and its event commit or roll back together. Events whose idempotency key (per `submitter`)
   * was seen before are skipped. Resolves to the events stored, in chain order.
   */
  async append(
    em: EntityManager,
    drafts: readonly AuditEventDraft[],
    options: { submitter?: string } = {},
  ): Promise<AuditRecord[]> {
    if (drafts.length === 0) return [];
    const submitter = options.submitter ?? 'system';
    const sessionKeys = new Map<string, string>(); // a batch usually comes from one session
    const prepared: Prepared[] = drafts.map((draft, i) => ({
      event: { ...this.#prepare(draft, submitter, i, sessionKeys), id: uuidv7() },
      commitments: null,
      digest: null,
      row: '',
    }));
    // The keyed commitments, the canonical JSON (all of the hashing work but the last SHA-256) and most of
    // each row's JSON are made before the chain lock is taken, in slices: between them, another batch
    // that holds the lock gets its database replies handled instead of waiting for this one.
    const hashInputs = async () => {
      for (const [i, p] of prepared.entries()) {
        if (i > 0 && i % 50 === 0) await setImmediate();
        p.commitments = commitmentsOf(p.event, this.#mac);
        p.digest = prepareDigest(p.event, p.commitments);
        p.row = rowHead(p.event);
      }
    };
    // In a transaction of its own (recordEvents), the batch claims its idempotency keys before it waits
    // for the chain lock, so the lock is held only for the head, the hashes and the insert; and it makes
    // its hash inputs while the database stores the keys. No deadlock: such a transaction holds nothing
    // else, and every claim takes its keys in sorted order in one statement. In a caller's transaction,
    // which may already hold the lock, keys are claimed under it.
    const ownTransaction = !em.isInTransaction();
    if (!ownTransaction) await hashInputs();
    return inTransaction(em, async (tx) => {
      let fresh: Prepared[] | null = null;
      if (ownTransaction) {
        const claiming = this.#claimKeys(tx, prepared);
        claiming.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled
        await setImmediate(); // the claim is on its way to the database
        await hashInputs();
        fresh = await claiming;
        if (fresh.length === 0) return [];
      }
      const head = await lockChain(tx);
      const receivedAt = this.#clock?.() ?? head.now;
      fresh ??= await this.#claimKeys(tx, prepared);
      if (fresh.length === 0) return [];
      await this.#ensurePartition(tx, receivedAt);
      let prevHash = head.hash;
      const records = fresh.map(({ event, commitments, digest }, i) => {
        const record = { ...event, receivedAt, seq: head.seq + i + 1, prevHash, hash: '' };
        record.hash = digest
          ? hashPrepared(prevHash, digest, receivedAt)
          : hashWith(prevHash, record, commitments!);
        prevHash = record.hash;
        return record;
      });
      const last = records.at(-1)!;
      await boundSql(
        tx,
        `with stored as (
           insert into audit_event (${INSERT_COLUMNS})
           select ${INSERT_COLUMNS} from json_populate_recordset(null::audit_event, $1::json)
           returning 1)
         update audit_chain set seq = $2, hash = $3, last_event_id = $4 where id = 1`,
        [`[${records.map((r, i) => rowJson(fresh[i]!.row, r)).join(',')}]`, last.seq, last.hash, last.id],
      );
      return records;
    });
  }

  /** Newest first, keyset-paged over (occurred-at, id). */
  query(em: EntityManager, filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
    return queryEvents(em, filter, first, after);
  }

  /** Walks the chain (or the part received in [from, to)) and names the first broken event. */
  verify(em: EntityManager, range: VerifyRange = {}): Promise<AuditVerification> {
    return verifyChain(em, range, this.#mac);
  }

  /** Replaces the user's ids (and, where they acted, their session key, IP and browser) in the log. */
  pseudonymiseSubject(em: EntityManager, userId: number): Promise<{ events: number }> {
    return pseudonymiseSubject(em, userId, this.#secret(), this.#mac);
  }

  /** Creates partitions ahead and drops those wholly past retention, keeping a checkpoint. */
  async maintain(em: EntityManager, now = new Date()): Promise<MaintenanceOutcome> {
    const { settings } = await this.#settings.get(em);
    const outcome = await maintain(em, now, settings.auditRetentionDays);
    for (const name of outcome.purged) this.#partitions.delete(name);
    return outcome;
  }

  #prepare(draft: AuditEventDraft, submitter: string, index: number, sessionKeys: Map<string, string>) {
    if (!ACTION_PATTERN.test(draft.action) || draft.action.length > 100) {
      throw new InvalidInputError(
        `events.${index}.action`,
        'An action is a dotted name such as post.edited.',
      );
    }
    const token = draft.sessionToken;
    let sessionKey = draft.sessionKey ?? null;
    if (token) {
      sessionKey = sessionKeys.get(token) ?? sha256Hex(token);
      sessionKeys.set(token, sessionKey);
    }
    if (sessionKey !== null && !SESSION_KEY.test(sessionKey)) {
      throw new InvalidInputError(`events.${index}.sessionKey`, 'A session key is SHA-256 in lowercase hex.');
    }
    const key = draft.idempotencyKey
      ? this.#mac('audit-idempotency', `${submitter}\u0000${draft.idempotencyKey}`)
      : null;
    return {
      occurredAt: draft.occurredAt ?? new Date(),
      actor: draft.actorId === null ? null : String(draft.actorId),
      onBehalfOf: draft.onBehalfOfId == null ? null : String(draft.onBehalfOfId),
      sessionKey,
      // Request values as other code passes them (in-process tests say "local"), cut to the columns' sizes.
      ip: draft.ip?.slice(0, 45) ?? null,
      userAgent: draft.userAgent?.slice(0, 512) ?? null,
      action: draft.action,
      targetType: draft.target?.type ?? null,
      targetId: draft.target ? String(draft.target.id) : null,
      metadata: draft.metadata ?? {},
      source: draft.source,
      idempotencyKey: key,
      sealed: null,
    };
  }

  /** Keeps the events whose keys are new (first of a batch wins) and records those keys. */
  async #claimKeys<T extends { event: { idempotencyKey: string | null } }>(
    em: EntityManager,
    prepared: T[],
  ): Promise<T[]> {
    const events = prepared.map((p) => p.event);
    const keys = [
      ...new Set(events.map((e) => e.idempotencyKey).filter((k): k is string => k !== null)),
    ].sort();
    if (keys.length === 0) return prepared;
    const claimed = await boundSql<{ key: string }>(
      em,
      `insert into audit_idempotency_key (key)
       select k from json_array_elements_text($1::json) k
       on conflict do nothing returning key`,
      [JSON.stringify(keys)],
    );
    const fresh = new Set(claimed.map((row) => row.key));
    return prepared.filter(({ event: e }) => {
      if (e.idempotencyKey === null) return true;
      if (!fresh.has(e.idempotencyKey)) return false;
      fresh.delete(e.idempotencyKey);
      return true;
    });
  }

  async #ensurePartition(em: EntityManager, at: Date): Promise<void> {
    const partition = partitionFor(at);
    if (this.#partitions.has(partition.name)) return;
    const [row] = await sql<{ found: string | null }>(em, 'select to_regclass(?)::text as found', [
      partition.name,
    ]);
    // Only a partition that existed before this transaction is remembered: one created here vanishes if
    // the caller rolls back, and the next batch simply finds (or creates) it again.
    if (row?.found) this.#partitions.add(partition.name);
    else await createPartition(em, partition);
  }
}

/** An event on its way into the chain; its hash inputs are filled in before the lock is taken. */
interface Prepared {
  event: Omit<AuditRecord, 'receivedAt' | 'seq' | 'prevHash' | 'hash'>;
  commitments: Commitments | null;
  digest: PreparedDigest | null;
  /** `rowHead` of the event. */
  row: string;
}

const INSERT_COLUMNS =
  'id, seq, occurred_at, received_at, actor, on_behalf_of, session_key, ip, user_agent, action, ' +
  'target_type, target_id, metadata, source, idempotency_key, sealed, prev_hash, hash';
