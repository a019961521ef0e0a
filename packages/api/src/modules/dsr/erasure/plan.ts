import { createHash } from 'node:crypto';
import { CATEGORY_ORDER, type DeletableCategory, type ErasureCategory } from './categories.ts';

/** One portal item the erasure will delete. */
export interface PlanItem {
  category: DeletableCategory;
  portalId: string;
  /** What it is, for people: never text the subject wrote, since the ledger outlives the erasure. */
  label: string;
}

/** One item the erasure keeps, and why. Every kept item has an id, so each becomes a ledger row. */
export interface KeptItem {
  category: ErasureCategory;
  portalId: string;
  label: string;
  reason: string;
}

/** A category that cannot be read (and so not erased) in full, and why: named before confirming. */
export interface UnavailableCategory {
  category: ErasureCategory;
  /** `NO_SUBJECT_CREDENTIALS` or `SUBJECT_TOKEN_DEAD`. */
  code: string;
  reason: string;
}

export interface CategoryCount {
  category: ErasureCategory;
  toDelete: number;
  kept: number;
}

/** What the administrator sees before confirming, and exactly what confirming will do. */
export interface ErasurePlan {
  subjectUserId: number;
  categories: CategoryCount[];
  items: PlanItem[];
  kept: KeptItem[];
  /** Consequences and limits worth knowing, in sentences. */
  notes: string[];
  /** Categories that cannot be read or erased in full, with the reason (absent in older previews). */
  unavailable?: UnavailableCategory[];
  /**
   * Per category, SHA-256 (hex) over the sorted ids of its items (deleted and kept): what the preview
   * showed, in a form the run compares with what it collects again before deleting.
   */
  categoryDigests: Record<string, string>;
  /** SHA-256 (hex) over the category digests and the canonical item list; the preview token is bound to it. */
  digest: string;
}

function rank(category: ErasureCategory): number {
  return CATEGORY_ORDER.indexOf(category);
}

/** Numeric ids in numeric order, so the order does not depend on how the portal listed them. */
function byCategoryThenId(a: { category: ErasureCategory; portalId: string }, b: typeof a): number {
  return (
    rank(a.category) - rank(b.category) ||
    a.portalId.localeCompare(b.portalId, 'en', { numeric: true }) ||
    (a.portalId < b.portalId ? -1 : a.portalId > b.portalId ? 1 : 0)
  );
}

export function sortPlan<T extends { category: ErasureCategory; portalId: string }>(items: T[]): T[] {
  return [...items].sort(byCategoryThenId);
}

/**
 * SHA-256 over one JSON line per item, in canonical order: the action, category, id, label and (for
 * kept items) the reason. Anything the administrator was shown changes it; the order the portal
 * answered in does not.
 */
export function planDigest(items: readonly PlanItem[], kept: readonly KeptItem[]): string {
  const hash = createHash('sha256');
  for (const [category, digest] of Object.entries(categoryDigests(items, kept))) {
    hash.update(`${JSON.stringify(['ids', category, digest])}\n`);
  }
  for (const item of sortPlan([...items])) {
    hash.update(`${JSON.stringify(['delete', item.category, item.portalId, item.label])}\n`);
  }
  for (const item of sortPlan([...kept])) {
    hash.update(`${JSON.stringify(['keep', item.category, item.portalId, item.label, item.reason])}\n`);
  }
  return hash.digest('hex');
}

/** The id digest of every category that has items, in category order. */
export function categoryDigests(
  items: readonly { category: ErasureCategory; portalId: string }[],
  kept: readonly { category: ErasureCategory; portalId: string }[] = [],
): Record<string, string> {
  const all = sortPlan([...items, ...kept]);
  const out: Record<string, string> = {};
  for (const category of CATEGORY_ORDER) {
    const ids = all.filter((item) => item.category === category).map((item) => item.portalId);
    if (ids.length > 0) out[category] = createHash('sha256').update(JSON.stringify(ids)).digest('hex');
  }
  return out;
}

export function buildPlan(
  subjectUserId: number,
  items: PlanItem[],
  kept: KeptItem[],
  notes: string[],
): ErasurePlan {
  const sortedItems = sortPlan(items);
  const sortedKept = sortPlan(kept);
  const categories = CATEGORY_ORDER.map((category) => ({
    category,
    toDelete: sortedItems.filter((item) => item.category === category).length,
    kept: sortedKept.filter((item) => item.category === category).length,
  }));
  return {
    subjectUserId,
    categories,
    items: sortedItems,
    kept: sortedKept,
    notes,
    categoryDigests: categoryDigests(sortedItems, sortedKept),
    digest: planDigest(sortedItems, sortedKept),
  };
}
