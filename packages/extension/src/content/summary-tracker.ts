import type { ContentRefInput } from '@b24-gdpr/shared/graphql';
import { type ContentItem, ENTITY_TYPES, itemKey } from './content-items.ts';

/** `editSummaries` takes at most this many refs per request. */
export const MAX_REFS_PER_REQUEST = 500;

/**
 * Decides which items to ask `editSummaries` about: every item once, never again, so the first
 * screen is one request and later scans ask only for items that appeared since (a feed's "more",
 * a new chat message). Batches of at most {@link MAX_REFS_PER_REQUEST}.
 */
export function createSummaryTracker(maxPerRequest = MAX_REFS_PER_REQUEST) {
  const asked = new Set<string>();
  return {
    /** The refs of items not asked for before, in batches; marks them asked. */
    take(items: readonly Pick<ContentItem, 'kind' | 'id'>[]): ContentRefInput[][] {
      const fresh: ContentRefInput[] = [];
      for (const item of items) {
        const key = itemKey(item);
        if (asked.has(key)) continue;
        asked.add(key);
        fresh.push({ entityType: ENTITY_TYPES[item.kind], entityId: item.id });
      }
      const batches: ContentRefInput[][] = [];
      for (let i = 0; i < fresh.length; i += maxPerRequest) batches.push(fresh.slice(i, i + maxPerRequest));
      return batches;
    },
    /** Ask again next time (a request that failed). */
    forget(refs: readonly ContentRefInput[]): void {
      for (const ref of refs) {
        asked.delete(itemKey({ kind: ref.entityType === 'POST' ? 'post' : 'message', id: ref.entityId }));
      }
    },
  };
}
