import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import { readHead } from './audit-chain.ts';
import { hashRanges, LOG_ID } from './audit-tree-store.ts';
import { consistencyRanges, inclusionRanges } from './merkle.ts';

/** RFC 9162 §2.1.3: the audit path of leaf `leafIndex` in the tree of its first `treeSize` leaves. */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Hex hashes, bottom first. */
  auditPath: string[];
}

/** RFC 9162 §2.1.4: proves the tree of `secondSize` leaves extends the one of `firstSize`. */
export interface ConsistencyProof {
  firstSize: number;
  secondSize: number;
  /** Hex hashes, in the RFC's order. */
  path: string[];
}

/** Tree sizes a proof may name: up to the log's size now (read from the chain head). */
async function checkSize(em: EntityManager, field: string, size: number): Promise<void> {
  const { seq } = await readHead(em);
  if (!Number.isSafeInteger(size) || size < 0 || size > seq)
    throw new InvalidInputError(field, `A tree size is a whole number from 0 to ${seq}, the log's size now.`);
}

export async function inclusionProof(
  em: EntityManager,
  leafIndex: number,
  treeSize: number,
  logId = LOG_ID,
): Promise<InclusionProof> {
  await checkSize(em, 'treeSize', treeSize);
  if (leafIndex >= treeSize)
    throw new InvalidInputError(
      'treeSize',
      `Event #${leafIndex + 1} joined the log after it had ${treeSize} events.`,
    );
  const path = await hashRanges(em, inclusionRanges(leafIndex, treeSize), logId);
  return { leafIndex, treeSize, auditPath: path.map((h) => h.toString('hex')) };
}

export async function consistencyProof(
  em: EntityManager,
  firstSize: number,
  secondSize: number,
  logId = LOG_ID,
): Promise<ConsistencyProof> {
  await checkSize(em, 'second', secondSize);
  if (!Number.isSafeInteger(firstSize) || firstSize < 0 || firstSize > secondSize)
    throw new InvalidInputError(
      'first',
      'The first tree size must be a whole number no larger than the second.',
    );
  const path = await hashRanges(em, consistencyRanges(firstSize, secondSize), logId);
  return { firstSize, secondSize, path: path.map((h) => h.toString('hex')) };
}
