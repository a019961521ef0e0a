import { createHash } from 'node:crypto';

/**
 * A second, naive RFC 9162 implementation for the tests, sharing nothing with src/: MTH by the definition's
 * recursion over all leaves, and the verification algorithms of §2.1.3.2 and §2.1.4.2 as written there.
 */
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const hashLeaf = (data: Buffer) => sha(Buffer.from([0]), data);
const hashChildren = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);

export function mth(leafHashes: Buffer[]): Buffer {
  const n = leafHashes.length;
  if (n === 0) return sha();
  if (n === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return hashChildren(mth(leafHashes.slice(0, k)), mth(leafHashes.slice(k)));
}

/** §2.1.3.2: true when `path` proves `leaf` is leaf `index` of the tree of `size` leaves with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  path: Buffer[],
  root: Buffer,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** §2.1.4.2: true when `path` proves the tree of `second` leaves (`root2`) extends that of `first` (`root1`). */
export function verifyConsistency(
  first: number,
  second: number,
  path: Buffer[],
  root1: Buffer,
  root2: Buffer,
): boolean {
  if (first > second) return false;
  if (first === second) return path.length === 0 && root1.equals(root2);
  if (first === 0) return path.length === 0;
  if (path.length === 0) return false;
  const proof = [...path];
  if ((first & (first - 1)) === 0) proof.unshift(root1); // first is a power of two
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0]!;
  let sr = proof[0]!;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(root1) && sr.equals(root2) && sn === 0;
}
