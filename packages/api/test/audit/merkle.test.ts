import { describe, expect, it } from 'vitest';
import {
  consistencyRanges,
  inclusionRanges,
  leafHash,
  type Perfect,
  rangeHash,
  TreeBuilder,
} from '../../src/modules/audit/merkle.ts';
import { hashLeaf, mth, verifyConsistency, verifyInclusion } from './rfc9162.ts';

/**
 * The test vectors of transparency-dev/merkle (proof/verify_test.go), the RFC 6962/9162 tree of these
 * eight leaves: roots for sizes 1 to 8, and some proofs (their leaf numbers are 1-based there).
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [leaf: number, size: number, path: string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [first: number, second: number, path: string[]][] = [
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

/** Perfect subtrees of an in-memory list of leaf hashes, by the naive MTH. */
const sourceOf =
  (leaves: Buffer[]) =>
  ({ level, index }: Perfect) =>
    mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
const hex = (b: Buffer) => b.toString('hex');

describe('RFC 9162 Merkle tree (src/modules/audit/merkle.ts)', () => {
  const leaves = LEAVES.map((l) => leafHash(Buffer.from(l, 'hex')));
  const perfect = sourceOf(leaves);

  it('hashes leaves as the RFC does, and gives the vectors’ roots for every size from 1 to 8', () => {
    expect(leaves.map(hex)).toEqual(LEAVES.map((l) => hex(hashLeaf(Buffer.from(l, 'hex')))));
    for (let n = 1; n <= 8; n++) {
      expect(hex(rangeHash({ begin: 0, end: n }, perfect))).toBe(ROOTS[n - 1]);
      const tree = new TreeBuilder();
      for (const leaf of leaves.slice(0, n)) tree.push(leaf);
      expect(hex(tree.root())).toBe(ROOTS[n - 1]);
    }
    expect(hex(new TreeBuilder().root())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('makes the vectors’ inclusion and consistency proofs', () => {
    for (const [leaf, size, path] of INCLUSION) {
      expect(inclusionRanges(leaf, size).map((r) => hex(rangeHash(r, perfect)))).toEqual(path);
    }
    for (const [first, second, path] of CONSISTENCY) {
      expect(consistencyRanges(first, second).map((r) => hex(rangeHash(r, perfect)))).toEqual(path);
    }
    expect(consistencyRanges(1, 1)).toEqual([]);
    expect(consistencyRanges(0, 5)).toEqual([]);
    expect(inclusionRanges(0, 1)).toEqual([]);
  });

  it('makes proofs the RFC’s own verification accepts for every pair of sizes up to 70', () => {
    const many = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
    const source = sourceOf(many);
    const roots = Array.from({ length: 71 }, (_, n) => mth(many.slice(0, n)));
    for (let size = 1; size <= 70; size++) {
      for (let m = 0; m < size; m++) {
        const path = inclusionRanges(m, size).map((r) => rangeHash(r, source));
        expect(verifyInclusion(m, size, many[m]!, path, roots[size]!)).toBe(true);
        expect(verifyInclusion(m, size, many[(m + 1) % 70]!, path, roots[size]!)).toBe(false);
      }
      for (let first = 0; first <= size; first++) {
        const path = consistencyRanges(first, size).map((r) => rangeHash(r, source));
        expect(verifyConsistency(first, size, path, roots[first]!, roots[size]!)).toBe(true);
      }
    }
  });
});
