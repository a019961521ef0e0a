import type { EntityManager } from '@mikro-orm/core';
import type { PublishedKey } from '../keys/public-keys.ts';
import { readHead } from './audit-chain.ts';
import { chainHashOf, commitmentsOf, GENESIS_HASH, leafBytes, type Mac, sealsIntact } from './audit-hash.ts';
import type { AuditRecord } from './audit-record.ts';
import { EVENT_COLUMNS, type EventRow, sql, toRecord } from './audit-sql.ts';
import type { TreeHead } from './audit-tree-head.ts';
import { LOG_ID } from './audit-tree-store.ts';
import { verifyTree } from './audit-tree-verify.ts';
import { leafHash } from './merkle.ts';

export interface VerifyRange {
  /** Events received at or after this time (default: from the checkpoint, i.e. everything kept). */
  from?: Date | null;
  /** Events received before this time (default: up to the chain's head). */
  to?: Date | null;
  /** Signed tree heads kept outside the database (an auditor's, published ones): the tree must extend each. */
  heads?: readonly TreeHead[];
}

/**
 * CHANGED, REMOVED, REORDERED: an event (or its leaf) found wrong by walking the log. ADDED: rows or leaves
 * past the log's head. TRUNCATED: the log is shorter than a signed head. INCONSISTENT: the first n leaves
 * do not hash to the root a signed head gave for n. FORGED_CHECKPOINT: events missing below a retention
 * checkpoint no purge warrants. BAD_HEAD: a head not signed by the log's key. PUBLICATION_ALTERED: a head
 * published outside (the portal chat's message, a witness receipt) was edited, deleted or does not verify.
 */
export type ProblemKind =
  | 'CHANGED'
  | 'REMOVED'
  | 'REORDERED'
  | 'ADDED'
  | 'TRUNCATED'
  | 'INCONSISTENT'
  | 'FORGED_CHECKPOINT'
  | 'BAD_HEAD'
  | 'PUBLICATION_ALTERED';

export interface AuditProblem {
  kind: ProblemKind;
  /** Where in the chain: the position the event holds (or should hold). */
  seq: number;
  /** The event found there; null when it is missing. */
  eventId: string | null;
  message: string;
  /** The signed tree head that exposes it, when one does. */
  head: TreeHead | null;
  /** Where that head (or the altered publication) was published, when it was (modules/audit-publish). */
  publishedIn?: string[];
}

export interface AuditVerification {
  ok: boolean;
  /** Events checked before the first problem (all of them when ok). */
  checked: number;
  fromSeq: number | null;
  toSeq: number | null;
  /** Verification started from the retention checkpoint (seq and hash of the last purged event). */
  fromCheckpoint: boolean;
  /** The log's size (its head row), which the tree was recomputed for. */
  treeSize: number;
  /** Signed heads the tree was checked against (issued by the log, and given). */
  heads: number;
  /** Heads read back from each channel they were published to (modules/audit-publish). */
  published?: { channel: string; heads: number }[];
  /** Channels that could not be read, each with why. */
  unreachable?: string[];
  /**
   * The whole log has events but no head from outside the database (a channel, a weekly file, given) was
   * read: it was checked only against itself, which whoever holds the database can make pass.
   */
  selfCheckedOnly?: boolean;
  problem: AuditProblem | null;
}

const PAGE = 5_000;

/**
 * Walks the chain in seq order. For each event: a gap in seq means events were removed; a hash that does
 * not match the event's content, or metadata that erasure sealed and that no longer matches the keyed
 * commitment erasure stored of it (audit-hash.ts), means it was changed; an intact event whose prevHash is not its
 * predecessor's hash is out of place (reordered). At the end the head row must match the last event, so
 * events removed from the tail are noticed too. Each page is its own statement: no long transaction.
 */
export async function verifyChain(
  em: EntityManager,
  range: VerifyRange,
  mac: Mac,
  keys: readonly PublishedKey[] | null = null,
): Promise<AuditVerification> {
  const head = await readHead(em);
  const anchor = await startOf(em, range.from ?? null, head);
  const endSeq = range.to ? await lastSeqBefore(em, range.to, head.seq) : head.seq;
  const result: AuditVerification = {
    ok: true,
    checked: 0,
    fromSeq: null,
    toSeq: null,
    fromCheckpoint: anchor.fromCheckpoint,
    treeSize: head.seq,
    heads: 0,
    problem: null,
  };
  const fail = (problem: Omit<AuditProblem, 'head'> & { head?: TreeHead | null }) => ({
    ...result,
    ok: false,
    problem: { head: null, ...problem },
  });
  let expectedSeq = anchor.seq;
  let expectedPrev = anchor.prevHash;
  let previous: AuditRecord | null = null;
  while (expectedSeq <= endSeq) {
    const rows = await sql<EventRow & { leaf_hash: Buffer | null }>(
      em,
      `select e.*, (select hash from audit_leaf where log_id = ? and idx = e.seq - 1) as leaf_hash
         from (select ${EVENT_COLUMNS} from audit_event where seq >= ? and seq <= ?
                order by seq, received_at limit ?) e order by seq, received_at`,
      [LOG_ID, expectedSeq, endSeq, PAGE],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const event = toRecord(row);
      const leaf = leafBytes(event, commitmentsOf(event, mac));
      if (expectedPrev === null) expectedPrev = event.prevHash; // a range that starts mid-chain
      if (event.seq > expectedSeq) {
        return fail({
          kind: 'REMOVED',
          seq: expectedSeq,
          eventId: null,
          message: `Event #${expectedSeq} is missing${previous ? ` after ${previous.id}` : ''}; the next present is #${event.seq} (${event.id}).`,
        });
      }
      if (chainHashOf(event.prevHash, leaf) !== event.hash) {
        return fail({
          kind: 'CHANGED',
          seq: expectedSeq,
          eventId: event.id,
          message: `Event #${expectedSeq} (${event.id}) was changed: its content does not match its hash.`,
        });
      }
      if (!sealsIntact(event, mac)) {
        return fail({
          kind: 'CHANGED',
          seq: expectedSeq,
          eventId: event.id,
          message: `Event #${expectedSeq} (${event.id}) was changed: its pseudonymised values are not what erasure left.`,
        });
      }
      if (event.seq < expectedSeq || event.prevHash !== expectedPrev) {
        return fail({
          kind: 'REORDERED',
          seq: expectedSeq,
          eventId: event.id,
          message: `Event ${event.id} at #${expectedSeq} does not follow ${previous ? previous.id : 'the checkpoint'}: events were reordered, or the one before was rewritten.`,
        });
      }
      if (!row.leaf_hash || !Buffer.from(row.leaf_hash).equals(leafHash(leaf))) {
        return fail({
          kind: 'CHANGED',
          seq: expectedSeq,
          eventId: event.id,
          message: `Event #${expectedSeq} (${event.id}) is not the leaf the Merkle tree holds at its place${row.leaf_hash ? '' : ' (it has none)'}.`,
        });
      }
      result.fromSeq ??= event.seq;
      result.toSeq = event.seq;
      result.checked++;
      expectedSeq++;
      expectedPrev = event.hash;
      previous = event;
    }
  }
  if (!range.to && head.seq >= anchor.seq) {
    if (expectedSeq <= head.seq) {
      return fail({
        kind: 'REMOVED',
        seq: expectedSeq,
        eventId: null,
        message: `Events #${expectedSeq} to #${head.seq} (the last one was ${head.lastEventId}) are missing from the end of the chain.`,
      });
    }
    if (previous && previous.hash !== head.hash) {
      return fail({
        kind: 'CHANGED',
        seq: previous.seq,
        eventId: previous.id,
        message: `The last event #${previous.seq} (${previous.id}) is not the one the chain's head recorded.`,
      });
    }
  }
  if (range.from || range.to) return result;
  const tree = await verifyTree(em, head, range.heads ?? [], keys);
  result.heads = tree.heads;
  return tree.problem ? { ...result, ok: false, problem: tree.problem } : result;
}

interface Anchor {
  seq: number;
  /** null: take the first event's own prevHash (a range starting mid-chain cannot check its link back). */
  prevHash: string | null;
  fromCheckpoint: boolean;
}

async function startOf(
  em: EntityManager,
  from: Date | null,
  head: { checkpointSeq: number; checkpointHash: string },
): Promise<Anchor> {
  const checkpoint: Anchor = {
    seq: head.checkpointSeq + 1,
    prevHash: head.checkpointSeq === 0 ? GENESIS_HASH : head.checkpointHash,
    fromCheckpoint: head.checkpointSeq > 0,
  };
  if (!from) return checkpoint;
  const [row] = await sql<{ seq: string }>(
    em,
    'select seq from audit_event where received_at >= ? order by seq limit 1',
    [from],
  );
  if (!row || Number(row.seq) <= checkpoint.seq) return checkpoint;
  return { seq: Number(row.seq), prevHash: null, fromCheckpoint: false };
}

async function lastSeqBefore(em: EntityManager, to: Date, headSeq: number): Promise<number> {
  const [row] = await sql<{ seq: string }>(
    em,
    'select seq from audit_event where received_at < ? order by seq desc limit 1',
    [to],
  );
  return row ? Math.min(Number(row.seq), headSeq) : 0;
}
