import type { EntityManager } from '@mikro-orm/core';
import type { PublishedKey } from '../keys/public-keys.ts';
import type { ChainHead } from './audit-chain.ts';
import { boundSql } from './audit-sql.ts';
import { headSignatureProblem, issuedHeads, type TreeHead } from './audit-tree-head.ts';
import { LOG_ID } from './audit-tree-store.ts';
import type { AuditProblem } from './audit-verify.ts';
import { TreeBuilder } from './merkle.ts';

/** What retention writes to the log when it drops months (audit-retention.ts); the checkpoint's warrant. */
export const PURGE_ACTION = 'audit.retention.purged';
/** The shortest retention settings allow: no purge can take events younger than that. */
const MIN_RETENTION_MS = 30 * 86_400_000;
const PAGE = 50_000;

const describe = (h: TreeHead) => `the head of ${h.treeSize} events signed at ${h.timestamp}`;

/**
 * The log's tree against its own head row and against every signed head known: the heads it issued and
 * those given from outside (an auditor's copies, published ones). Names, with the head that shows it:
 * events or leaves past the head, a head whose signature fails, a tree smaller than a head (truncated,
 * head rewound), a retention checkpoint no purge warrants, and a tree whose first n leaves do not hash
 * to the root a head gave for n (changed, reordered, inserted). Recomputes everything from the leaves;
 * the stored tiles are checked on the way, since proofs are served from them.
 */
export async function verifyTree(
  em: EntityManager,
  head: ChainHead,
  given: readonly TreeHead[],
  keys: readonly PublishedKey[] | null,
): Promise<{ problem: AuditProblem | null; heads: number }> {
  const problem = (p: Omit<AuditProblem, 'head'> & { head?: TreeHead | null }): AuditProblem => ({
    head: null,
    ...p,
  });
  const all = [...given, ...(await issuedHeads(em))];
  const trusted: TreeHead[] = [];
  for (const h of all) {
    const bad = keys ? headSignatureProblem(h, keys) : 'no signing key is configured';
    if (bad) {
      return {
        heads: trusted.length,
        problem: problem({
          kind: 'BAD_HEAD',
          seq: h.treeSize,
          eventId: null,
          head: h,
          message: `${describe(h)} is not signed by a published key of the log (${bad}): it was signed by another key, or is not this log's.`,
        }),
      };
    }
    trusted.push(h);
  }
  trusted.sort((a, b) => a.treeSize - b.treeSize);
  const done = (p: AuditProblem | null) => ({ problem: p, heads: trusted.length });

  const [extra] = await boundSql<{ id: string; seq: string }>(
    em,
    'select id, seq from audit_event where seq > $1 order by seq limit 1',
    [head.seq],
  );
  if (extra) {
    const covering = trusted.filter((h) => h.treeSize < Number(extra.seq)).at(-1) ?? null;
    return done(
      problem({
        kind: 'ADDED',
        seq: Number(extra.seq),
        eventId: extra.id,
        head: covering,
        message: `Event ${extra.id} at #${extra.seq} is past the log's head (#${head.seq}): it was inserted, not appended, and no tree head includes it${covering ? ` (${describe(covering)} does not)` : ''}.`,
      }),
    );
  }
  const [leafPast] = await boundSql<{ idx: string | null }>(
    em,
    'select min(idx) as idx from audit_leaf where log_id = $1 and idx >= $2',
    [LOG_ID, head.seq],
  );
  if (leafPast?.idx != null) {
    return done(
      problem({
        kind: 'ADDED',
        seq: Number(leafPast.idx) + 1,
        eventId: null,
        message: `The tree holds a leaf at #${Number(leafPast.idx) + 1}, past the log's head (#${head.seq}).`,
      }),
    );
  }
  const longest = trusted.at(-1);
  if (longest && longest.treeSize > head.seq) {
    return done(
      problem({
        kind: 'TRUNCATED',
        seq: head.seq + 1,
        eventId: null,
        head: longest,
        message: `The log has ${head.seq} events, but ${describe(longest)}: events #${head.seq + 1} to #${longest.treeSize} were removed and the head rewound.`,
      }),
    );
  }
  const checkpoint = await checkpointProblem(em, head, trusted);
  if (checkpoint) return done(problem(checkpoint));
  return done(await treeProblem(em, head, trusted));
}

/**
 * A checkpoint is warranted by the newest purge event (kept, verified by the walk) recording it. And no
 * purge can take an event received after its cutoff: an event past a head signed after the cutoff was.
 */
async function checkpointProblem(
  em: EntityManager,
  head: ChainHead,
  heads: readonly TreeHead[],
): Promise<(Omit<AuditProblem, 'head'> & { head?: TreeHead }) | null> {
  if (head.checkpointSeq === 0) return null;
  const [purge] = await boundSql<{
    id: string;
    received_at: Date | string;
    metadata: Record<string, unknown> | string;
  }>(
    em,
    // Written by retention itself: no actor and no idempotency key, which every recorded event has.
    `select id, received_at, metadata from audit_event
      where action = $1 and seq > $2 and actor is null and idempotency_key is null order by seq desc limit 1`,
    [PURGE_ACTION, head.checkpointSeq],
  );
  const meta = purge
    ? typeof purge.metadata === 'string'
      ? JSON.parse(purge.metadata)
      : purge.metadata
    : null;
  if (!purge || meta.throughSeq !== head.checkpointSeq || meta.checkpointHash !== head.checkpointHash) {
    return {
      kind: 'FORGED_CHECKPOINT',
      seq: head.checkpointSeq,
      eventId: null,
      message: `The retention checkpoint says events up to #${head.checkpointSeq} were purged, but no retention event in the log records that purge: the oldest events were deleted.`,
    };
  }
  const cutoff = Math.min(
    Date.parse(String(meta.cutoff)),
    new Date(purge.received_at).getTime() - MIN_RETENTION_MS,
  );
  const witness = heads.find((h) => Date.parse(h.timestamp) >= cutoff && h.treeSize < head.checkpointSeq);
  if (witness) {
    return {
      kind: 'FORGED_CHECKPOINT',
      seq: witness.treeSize + 1,
      eventId: purge.id,
      head: witness,
      message: `Retention event ${purge.id} claims events up to #${head.checkpointSeq} were purged as older than ${new Date(cutoff).toISOString()}, but ${describe(witness)}, after that cutoff: events #${witness.treeSize + 1} to #${head.checkpointSeq} came later still and were deleted, not purged.`,
    };
  }
  return null;
}

/** One pass over every leaf: the root at each head's size, the stored tiles, and the writer's frontier. */
async function treeProblem(
  em: EntityManager,
  head: ChainHead,
  heads: readonly TreeHead[],
): Promise<AuditProblem | null> {
  const tiles = new Map<string, Buffer>();
  for (const row of await boundSql<{ level: number; idx: string; hashes: Buffer }>(
    em,
    'select level, idx, hashes from audit_tile where log_id = $1',
    [LOG_ID],
  ))
    tiles.set(`${row.level}/${row.idx}`, row.hashes);
  let badNode: { level: number; index: number } | null = null;
  const tree = new TreeBuilder((level, index, hash) => {
    if (badNode || level % 8 !== 0) return;
    const tile = tiles.get(`${level / 8}/${Math.floor(index / 256)}`);
    const at = (index % 256) * 32;
    if (!tile?.subarray(at, at + 32).equals(hash)) badNode = { level, index };
  });
  const pending = [...heads];
  const rootProblem = (): AuditProblem | null => {
    if (pending[0]?.treeSize !== tree.size) return null;
    const root = tree.root();
    while (pending[0] && pending[0].treeSize === tree.size) {
      const h = pending.shift()!;
      if (root.toString('hex') !== h.rootHash) {
        return {
          kind: 'INCONSISTENT',
          seq: h.treeSize,
          eventId: null,
          head: h,
          message: `The log's first ${h.treeSize} events are not those of ${describe(h)}: events up to #${h.treeSize} were changed, reordered, inserted or removed since.`,
        };
      }
    }
    return null;
  };
  let found = rootProblem();
  for (let from = 0; !found && from < head.seq; from += PAGE) {
    const rows = await boundSql<{ idx: string; hash: Buffer }>(
      em,
      'select idx, hash from audit_leaf where log_id = $1 and idx >= $2 and idx < $3 order by idx',
      [LOG_ID, from, Math.min(from + PAGE, head.seq)],
    );
    for (const row of rows) {
      if (Number(row.idx) !== tree.size) {
        return {
          kind: 'REMOVED',
          seq: tree.size + 1,
          eventId: null,
          head: null,
          message: `The tree has no leaf for event #${tree.size + 1}.`,
        };
      }
      tree.push(row.hash);
      found = rootProblem();
      if (found) break;
    }
    if (!found && rows.length < Math.min(PAGE, head.seq - from)) {
      return {
        kind: 'REMOVED',
        seq: tree.size + 1,
        eventId: null,
        head: null,
        message: `The tree has no leaf for event #${tree.size + 1}.`,
      };
    }
  }
  if (found) return found;
  if (badNode) {
    const { level, index } = badNode as { level: number; index: number };
    return {
      kind: 'CHANGED',
      seq: index * 2 ** level + 1,
      eventId: null,
      head: null,
      message: `The stored tree node over events #${index * 2 ** level + 1} to #${(index + 1) * 2 ** level} does not match their leaves: proofs served from it would fail.`,
    };
  }
  return null;
}
