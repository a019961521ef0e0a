import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing and proofs, over a source of perfect-subtree hashes. Pure: the
 * database side (which hashes are stored where) is audit-tree-store.ts.
 *
 * A perfect subtree is named by (level, index): the 2^level leaves from index · 2^level on. Every range the
 * RFC's recursion meets starts at a multiple of the power of two it is split at, so each is a perfect
 * subtree or the hash of two smaller ranges.
 */
export type Hash = Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (bytes: Uint8Array | string): Hash =>
  createHash('sha256').update(LEAF).update(bytes).digest();

export const nodeHash = (left: Hash, right: Hash): Hash =>
  createHash('sha256').update(NODE).update(left).update(right).digest();

/** MTH({}) = SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a range of n leaves. */
export function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export interface Perfect {
  level: number;
  index: number;
}

/** The hash of a perfect subtree; the store fetched what these need beforehand. */
export type PerfectSource = (subtree: Perfect) => Hash;

/** A range of leaves [begin, end) whose MTH a proof needs. */
export interface Range {
  begin: number;
  end: number;
}

/** The perfect subtrees [begin, end) is made of, largest (leftmost) first. */
export function perfectParts({ begin, end }: Range): Perfect[] {
  const parts: Perfect[] = [];
  let at = begin;
  while (at < end) {
    let level = 0;
    // The largest aligned power of two that starts at `at` and fits.
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    parts.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return parts;
}

/** MTH(D[begin:end]) as RFC 9162 defines it (splitting at the largest power of two below the size). */
export function rangeHash(range: Range, perfect: PerfectSource): Hash {
  const n = range.end - range.begin;
  if (n === 0) return EMPTY_ROOT;
  if ((n & (n - 1)) === 0 && range.begin % n === 0)
    return perfect({ level: Math.log2(n), index: range.begin / n });
  const k = split(n);
  return nodeHash(
    rangeHash({ begin: range.begin, end: range.begin + k }, perfect),
    rangeHash({ begin: range.begin + k, end: range.end }, perfect),
  );
}

/** The ranges whose hashes make PATH(m, D[0:n]) (RFC 9162 §2.1.3.1), bottom first. */
export function inclusionRanges(leafIndex: number, treeSize: number): Range[] {
  if (leafIndex < 0 || leafIndex >= treeSize) throw new RangeError('leaf index outside the tree');
  const ranges: Range[] = [];
  let begin = 0;
  let end = treeSize;
  const stack: Range[] = [];
  while (end - begin > 1) {
    const k = split(end - begin);
    if (leafIndex < begin + k) {
      stack.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      stack.push({ begin, end: begin + k });
      begin += k;
    }
  }
  // The recursion appends on the way out: the deepest sibling comes first.
  while (stack.length > 0) ranges.push(stack.pop()!);
  return ranges;
}

/** The ranges whose hashes make PROOF(m, D[0:n]) (RFC 9162 §2.1.4.1), in proof order. */
export function consistencyRanges(first: number, second: number): Range[] {
  if (first < 0 || first > second) throw new RangeError('the first size must not exceed the second');
  if (first === 0 || first === second) return [];
  const stack: Range[] = [];
  let m = first;
  let begin = 0;
  let end = second;
  let startFromOld = true;
  for (;;) {
    const n = end - begin;
    if (m === n) {
      if (!startFromOld) stack.push({ begin, end });
      break;
    }
    const k = split(n);
    if (m <= k) {
      stack.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      stack.push({ begin, end: begin + k });
      m -= k;
      begin += k;
      startFromOld = false;
    }
  }
  return stack.reverse();
}

/**
 * Adds leaves one by one and yields the root at any size: the roots of the perfect subtrees so far, as a
 * binary counter keeps its carries. `onNode` sees each completed node (level ≥ 1), for checking stored ones.
 */
export class TreeBuilder {
  size = 0;
  readonly #frontier: { level: number; hash: Hash }[] = [];

  readonly #onNode: ((level: number, index: number, hash: Hash) => void) | undefined;

  constructor(onNode?: (level: number, index: number, hash: Hash) => void) {
    this.#onNode = onNode;
  }

  push(leaf: Hash): void {
    let node = leaf;
    let level = 0;
    while (Math.floor(this.size / 2 ** level) % 2 === 1) {
      node = nodeHash(this.#frontier.pop()!.hash, node);
      level++;
      this.#onNode?.(level, Math.floor(this.size / 2 ** level), node);
    }
    this.#frontier.push({ level, hash: node });
    this.size++;
  }

  root(): Hash {
    if (this.#frontier.length === 0) return EMPTY_ROOT;
    let root = this.#frontier.at(-1)!.hash;
    for (let i = this.#frontier.length - 2; i >= 0; i--) root = nodeHash(this.#frontier[i]!.hash, root);
    return root;
  }
}
