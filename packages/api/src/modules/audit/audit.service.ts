import { setImmediate } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import { uuidv7 } from '../../db/uuid.ts';
import { InvalidInputError } from '../../errors.ts';
import { sha256Hex } from '../identity/secrets.ts';
import type { AppSecret } from '../settings/app-secret.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { inTransaction, lockChain } from './audit-chain.ts';
import { type AuditTarget, eraseTextHashes } from './audit-erase-text-hashes.ts';
import { commitmentsOf, leafBytes, prepareDigest } from './audit-hash.ts';
import { createPartition, partitionFor } from './audit-partitions.ts';
import {
  type ConsistencyProof,
  consistencyProof,
  type InclusionProof,
  inclusionProof,
} from './audit-proofs.ts';
import { pseudonymiseSubject } from './audit-pseudonymise.ts';
import { type AuditFilter, type AuditPage, queryEvents } from './audit-query.ts';
import type { AuditEventDraft, AuditRecord } from './audit-record.ts';
import { type MaintenanceOutcome, maintain } from './audit-retention.ts';
import type { TreeHeadSigner } from './audit-signer.ts';
import { appendColumns, boundSql, EVENT_COLUMNS, type EventRow, sql, toRecord } from './audit-sql.ts';
import { treeExtendsHeads } from './audit-tree-extends.ts';
import { headOfSize, issuedHeads, type TreeHead, TreeHeads } from './audit-tree-head.ts';
import { type AuditProblem, type AuditVerification, type VerifyRange, verifyChain } from './audit-verify.ts';
import { leafHash } from './merkle.ts';

export const ACTION_PATTERN = /^[a-z]+(\.[a-z_]+)+$/;
const SESSION_KEY = /^[0-9a-f]{64}$/;

export interface AuditServiceOptions {
  /** Tests only: the received-at clock (the database's `clock_timestamp()` otherwise). */
  clock?: () => Date;
  /**
   * Run the page read as a named prepared statement, so PostgreSQL plans it once per connection instead of
   * on every request (planning over a year of monthly partitions costs more than running the query).
   * Only for a real PostgreSQL server: behind the PGlite server, every connection shares one session.
   */
  preparedReads?: boolean;
  /** Signs tree heads (the weekly reports' Ed25519 key); without one, no heads are issued or checked. */
  signer?: TreeHeadSigner;
  /** A new head is signed on demand at most this often (default 10 s); tests set 0. */
  headIntervalMs?: number;
}

/** An event's place in the tree, proven against a head. */
export interface EventProof extends InclusionProof {
  /** The leaf: the event's canonical hashed content (no personal data: commitments stand for it). */
  leaf: string;
  /** Hex SHA-256(0x00 ‖ leaf). */
  leafHash: string;
  /** The signed head of `treeSize` events, when the log issued one. */
  head: TreeHead | null;
}

/**
 * The tamper-evident audit log: a hash chain (audit-hash.ts) in a table partitioned by month
 * (audit-partitions.ts). Every method takes the caller's EntityManager and joins its transaction.
 */
export class AuditService {
  readonly #secret: () => AppSecret;
  readonly #settings: SettingsService;
  readonly #clock: (() => Date) | undefined;
  readonly #preparedReads: boolean;
  /** Partitions this process knows exist, so the writer checks the catalogue once a month. */
  readonly #partitions = new Set<string>();
  readonly #signer: TreeHeadSigner | undefined;
  readonly #heads: TreeHeads | undefined;

  constructor(secret: () => AppSecret, settings: SettingsService, options: AuditServiceOptions = {}) {
    this.#secret = secret;
    this.#settings = settings;
    this.#clock = options.clock;
    this.#preparedReads = options.preparedReads ?? false;
    this.#signer = options.signer;
    this.#heads = options.signer
      ? new TreeHeads(options.signer, options.headIntervalMs ?? 10_000)
      : undefined;
  }

  readonly #mac = (purpose: string, value: string) => this.#secret().mac(purpose, value);

  /**
   * Appends events to the chain inside the caller's transaction (or as one autocommitted statement when it
   * has none), so a mutation and its event commit or roll back together. Events whose idempotency key (per
   * `submitter`) was seen before are skipped. Resolves to the events stored, in chain order.
   *
   * All of the hash input but `prevHash` and `receivedAt` (the keyed commitments and the canonical JSON) is
   * made here, in slices that let other requests' database replies through; `audit_append` (a database
   * function, see its migration) then does the part under the chain lock in the same statement that
   * claims the keys: the head, the SHA-256 of each event, the insert and the new head.
   */
  async append(
    em: EntityManager,
    drafts: readonly AuditEventDraft[],
    options: { submitter?: string } = {},
  ): Promise<AuditRecord[]> {
    if (drafts.length === 0) return [];
    const submitter = options.submitter ?? 'system';
    const sessionKeys = new Map<string, string>(); // a batch usually comes from one session
    const events = drafts.map((draft, i) => this.#prepare(draft, submitter, i, sessionKeys));
    const keys = events.map((event) => event.idempotencyKey);
    const digests: string[] = [];
    for (const [i, event] of events.entries()) {
      if (i > 0 && i % 50 === 0) await setImmediate();
      const digest = prepareDigest(event, commitmentsOf(event, this.#mac));
      // Null only when the event's own text holds this process's random mark, which nobody can know.
      if (!digest) throw new Error('unreachable: an event digest could not be prepared');
      digests.push(digest.head, digest.tail);
    }
    // A caller's transaction may already hold the chain lock: it takes it again (it is re-entrant) before
    // claiming keys, so it never waits on another writer's keys while that writer waits for the lock.
    const lockFirst = em.isInTransaction();
    const fixedReceivedAt = this.#clock?.() ?? null;
    await this.#ensurePartitions(em, fixedReceivedAt);
    const [row] = await boundSql<{ r: AppendResult }>(em, APPEND, [
      keys,
      digests.join(DIGEST_SEPARATOR),
      lockFirst,
      fixedReceivedAt,
      ...appendColumns(events),
    ]);
    const result = typeof row!.r === 'string' ? (JSON.parse(row!.r) as AppendResult) : row!.r;
    if (result.fresh.length === 0) return [];
    const receivedAt = new Date(result.receivedAt!);
    return result.fresh.map((position, k) => ({
      ...events[position - 1]!,
      receivedAt,
      seq: Number(result.seq) + k + 1,
      prevHash: k === 0 ? result.prevHash! : result.hashes![k - 1]!,
      hash: result.hashes![k]!,
    }));
  }

  /** Newest first, keyset-paged over (occurred-at, id). */
  query(em: EntityManager, filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
    return queryEvents(em, filter, first, after, { prepared: this.#preparedReads });
  }

  /**
   * Walks the chain (or the part received in [from, to)) and names the first broken event; for the whole
   * log, also recomputes the tree and checks it against every signed head, issued or given.
   */
  async verify(em: EntityManager, range: VerifyRange = {}): Promise<AuditVerification> {
    return verifyChain(em, range, this.#mac, (await this.#signer?.publishedKeys()) ?? null);
  }

  /**
   * Null when the stored tree extends every one of `heads` (signed by the log, no larger, same root at
   * their size); else the problem. The publisher asks before it signs or sends a head.
   */
  async extendsHeads(em: EntityManager, heads: readonly TreeHead[]): Promise<AuditProblem | null> {
    return treeExtendsHeads(em, heads, (await this.#signer?.publishedKeys()) ?? null);
  }

  /** The latest signed tree head, a new one when the tree grew (at most one per `headIntervalMs`). */
  treeHead(em: EntityManager): Promise<TreeHead> {
    if (!this.#heads) throw new Error('unreachable: the audit service was made without a head signer');
    return this.#heads.latest(em);
  }

  /** The heads the log issued, oldest first. */
  issuedHeads(em: EntityManager): Promise<TreeHead[]> {
    return issuedHeads(em);
  }

  /** The inclusion proof of an event in the tree of `treeSize` events (default: the latest signed head). */
  async eventProof(em: EntityManager, event: AuditRecord, treeSize?: number | null): Promise<EventProof> {
    const head = treeSize == null ? await this.treeHead(em) : await headOfSize(em, treeSize);
    const size = treeSize ?? head!.treeSize;
    const proof = await inclusionProof(em, event.seq - 1, size);
    const leaf = leafBytes(event, commitmentsOf(event, this.#mac));
    return { ...proof, leaf, leafHash: leafHash(leaf).toString('hex'), head };
  }

  /** Proves the tree of `second` events (default: the latest signed head's) extends the one of `first`. */
  async consistency(
    em: EntityManager,
    first: number,
    second?: number | null,
  ): Promise<ConsistencyProof & { firstHead: TreeHead | null; secondHead: TreeHead | null }> {
    const secondHead = second == null ? await this.treeHead(em) : await headOfSize(em, second);
    const proof = await consistencyProof(em, first, second ?? secondHead!.treeSize);
    return { ...proof, firstHead: await headOfSize(em, first), secondHead };
  }

  /** The event with this id, or null. */
  async event(em: EntityManager, id: string): Promise<AuditRecord | null> {
    const [row] = await sql<EventRow>(em, `select ${EVENT_COLUMNS} from audit_event where id = ?`, [id]);
    return row ? toRecord(row) : null;
  }

  /** Replaces the user's ids (and, where they acted, their session key, IP and browser) in the log. */
  pseudonymiseSubject(em: EntityManager, userId: number): Promise<{ events: number }> {
    return pseudonymiseSubject(em, userId, this.#secret(), this.#mac);
  }

  /** Events about these items (whose texts erasure deleted) lose their text hashes (audit-erase-text-hashes.ts). */
  eraseTextHashes(em: EntityManager, targets: readonly AuditTarget[]): Promise<number> {
    return eraseTextHashes(em, targets, this.#mac);
  }

  /** Creates partitions ahead and drops those wholly past retention, keeping a checkpoint. */
  async maintain(em: EntityManager, now = new Date()): Promise<MaintenanceOutcome> {
    const { settings } = await this.#settings.get(em);
    const outcome = await maintain(em, now, settings.auditRetentionDays, (tx, drafts) =>
      this.append(tx, drafts),
    );
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
      id: uuidv7(),
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

  /**
   * Makes sure the month's partition exists (and the next month's in the last minute of a month, as the
   * database clock decides `receivedAt`): checked in the catalogue once a month per process, created under
   * the chain lock, so creators never race. Partitions are also made ahead by the maintenance job.
   */
  async #ensurePartitions(em: EntityManager, fixed: Date | null): Promise<void> {
    const now = fixed?.getTime() ?? Date.now();
    const months = [partitionFor(new Date(now)), partitionFor(new Date(now + 60_000))];
    for (const partition of months) {
      if (this.#partitions.has(partition.name)) continue;
      const [row] = await sql<{ found: string | null }>(em, 'select to_regclass(?)::text as found', [
        partition.name,
      ]);
      if (row?.found) {
        this.#partitions.add(partition.name);
        continue;
      }
      // Only a partition made in a transaction of its own is remembered: one made in the caller's
      // vanishes if it rolls back, and the next batch simply finds (or makes) it again.
      const own = !em.isInTransaction();
      await inTransaction(em, async (tx) => {
        await lockChain(tx);
        await createPartition(tx, partition);
      });
      if (own) this.#partitions.add(partition.name);
    }
  }
}

/** What `audit_append` answers (see its migration). */
interface AppendResult {
  /** The received-at time as JSON text was hashed, e.g. "2026-11-23T15:10:00.123Z". */
  receivedAt?: string;
  /** The head's seq and hash before the append. */
  seq?: number | string;
  prevHash?: string;
  /** 1-based positions in the batch of the events stored, in chain order. */
  fresh: number[];
  hashes?: string[];
}

/** The call, its parameters typed as the function's (see its migration); the columns as `appendColumns` (and the bench calls it). */
export const APPEND =
  'select audit_append($1::text[], $2::text, $3::boolean, $4::timestamptz, $5::uuid[], $6::timestamptz[], ' +
  '$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], ' +
  '$15::jsonb[], $16::text[]) as r';

/** Canonical JSON escapes every control character, so U+001F never occurs inside a digest part. */
const DIGEST_SEPARATOR = '\u001f';
