import type { EntityManager } from '@mikro-orm/core';
import type { PublishedKey } from '../keys/public-keys.ts';
import { readHead } from './audit-chain.ts';
import { headSignatureProblem, rootAt, type TreeHead } from './audit-tree-head.ts';
import type { AuditProblem } from './audit-verify.ts';

const describe = (h: TreeHead) => `the head of ${h.treeSize} events signed at ${h.timestamp}`;

/**
 * Whether the stored tree, as it is now, extends each of `heads` (heads read back from outside the
 * database): each signed by a published key of the log, none larger than the tree, and the tree's first
 * n leaves hashing to the root each gave for n. The checks `verify` makes of every head (BAD_HEAD,
 * TRUNCATED, INCONSISTENT), with the roots taken from the stored tiles (a few hashes per head) instead of
 * a walk of every event: cheap enough to run before every head is signed or published. Null when the
 * tree extends them all; else the first problem, with the head that shows it.
 */
export async function treeExtendsHeads(
  em: EntityManager,
  heads: readonly TreeHead[],
  keys: readonly PublishedKey[] | null,
): Promise<AuditProblem | null> {
  const size = (await readHead(em)).seq;
  for (const h of [...heads].sort((a, b) => b.treeSize - a.treeSize)) {
    const bad = keys ? headSignatureProblem(h, keys) : 'no signing key is configured';
    if (bad)
      return {
        kind: 'BAD_HEAD',
        seq: h.treeSize,
        eventId: null,
        head: h,
        message: `${describe(h)} is not signed by a published key of the log (${bad}).`,
      };
    if (h.treeSize > size)
      return {
        kind: 'TRUNCATED',
        seq: size + 1,
        eventId: null,
        head: h,
        message: `The log has ${size} events, but ${describe(h)}: events #${size + 1} to #${h.treeSize} were removed and the head rewound.`,
      };
    if (h.treeSize > 0 && (await rootAt(em, h.treeSize)) !== h.rootHash)
      return {
        kind: 'INCONSISTENT',
        seq: h.treeSize,
        eventId: null,
        head: h,
        message: `The log's first ${h.treeSize} events are not those of ${describe(h)}: the log was rewritten or forked since.`,
      };
  }
  return null;
}
