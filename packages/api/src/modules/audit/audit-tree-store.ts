import type { EntityManager } from '@mikro-orm/core';
import { boundSql } from './audit-sql.ts';
import { type Hash, nodeHash, type Perfect, perfectParts, type Range, rangeHash } from './merkle.ts';

/** One log until tenancy: `audit_chain.id`, the key of every tree table. */
export const LOG_ID = 1;

/** Tiles are 2^8 nodes wide (C2SP tlog-tiles): tile level L holds the nodes of tree level 8·L. */
const TILE_HEIGHT = 8;
const TILE_WIDTH = 2 ** TILE_HEIGHT;

/**
 * Reads what the hashes of some ranges of leaves need, in two statements whatever the tree's size (the
 * leaves of subtrees below 2^8, the tile rows of those above), and computes them. A perfect subtree of
 * 2^level leaves is hashed up from at most 128 stored hashes: from leaves when level < 8, else from the
 * nodes of level 8·⌊level/8⌋ in one tile.
 */
export async function hashRanges(
  em: EntityManager,
  ranges: readonly Range[],
  logId = LOG_ID,
): Promise<Hash[]> {
  const wanted = ranges.flatMap(perfectParts);
  const leafSpans = new Map<number, number>(); // first leaf → count
  const tiles = new Map<string, { level: number; index: number }>();
  for (const { level, index } of wanted) {
    const base = Math.floor(level / TILE_HEIGHT);
    const width = 2 ** (level - base * TILE_HEIGHT);
    const first = index * width;
    if (base === 0) leafSpans.set(first, Math.max(width, leafSpans.get(first) ?? 0));
    else
      tiles.set(`${base}/${Math.floor(first / TILE_WIDTH)}`, {
        level: base,
        index: Math.floor(first / TILE_WIDTH),
      });
  }
  const leaves = new Map<number, Hash>();
  if (leafSpans.size > 0) {
    const rows = await boundSql<{ idx: string; hash: Buffer }>(
      em,
      `select l.idx, l.hash from unnest($2::bigint[], $3::bigint[]) s(lo, hi)
         join audit_leaf l on l.log_id = $1 and l.idx >= s.lo and l.idx < s.hi`,
      [logId, [...leafSpans.keys()], [...leafSpans].map(([first, n]) => first + n)],
    );
    for (const row of rows) leaves.set(Number(row.idx), row.hash);
  }
  const tileRows = new Map<string, Buffer>();
  if (tiles.size > 0) {
    const list = [...tiles.values()];
    const rows = await boundSql<{ level: number; idx: string; hashes: Buffer }>(
      em,
      `select t.level, t.idx, t.hashes from unnest($2::smallint[], $3::bigint[]) w(level, idx)
         join audit_tile t on t.log_id = $1 and t.level = w.level and t.idx = w.idx`,
      [logId, list.map((t) => t.level), list.map((t) => t.index)],
    );
    for (const row of rows) tileRows.set(`${row.level}/${Number(row.idx)}`, row.hashes);
  }
  const memo = new Map<string, Hash>();
  const perfect = ({ level, index }: Perfect): Hash => {
    const key = `${level}/${index}`;
    const known = memo.get(key);
    if (known) return known;
    const base = Math.floor(level / TILE_HEIGHT);
    const width = 2 ** (level - base * TILE_HEIGHT);
    const first = index * width;
    const stored = (i: number): Hash => {
      if (base === 0) {
        const leaf = leaves.get(i);
        if (!leaf) throw new TreeDataMissing(`leaf ${i}`);
        return leaf;
      }
      const tile = tileRows.get(`${base}/${Math.floor(i / TILE_WIDTH)}`);
      const at = (i % TILE_WIDTH) * 32;
      if (!tile || tile.length < at + 32) throw new TreeDataMissing(`node ${TILE_HEIGHT * base}/${i}`);
      return tile.subarray(at, at + 32);
    };
    let row = Array.from({ length: width }, (_, i) => stored(first + i));
    while (row.length > 1)
      row = Array.from({ length: row.length / 2 }, (_, i) => nodeHash(row[2 * i]!, row[2 * i + 1]!));
    memo.set(key, row[0]!);
    return row[0]!;
  };
  return ranges.map((range) => rangeHash(range, perfect));
}

/** The tables lack a hash a proof needs: the tree was damaged (or the events predate it). */
export class TreeDataMissing extends Error {
  constructor(what: string) {
    super(`The audit tree's stored hashes are incomplete: ${what} is missing.`);
  }
}
