import type { MethodResult } from './registry.ts';

/** Fixed page size of list methods (api-reference/user/user-get.md: "always static: 50 records"). */
export const PAGE_SIZE = 50;

/**
 * One page of a list. `start=-1` skips the count (settings/performance/huge-data.md): no `next`,
 * and `total` is 0 as the docs' example answer shows, for keyset reading with a `>ID` filter.
 */
export function paginate<T, R>(items: T[], start: number | undefined, map: (item: T) => R): MethodResult {
  if (start === -1) {
    return { result: items.slice(0, PAGE_SIZE).map(map), total: 0 };
  }
  const offset = start !== undefined && start > 0 ? start : 0;
  const page = items.slice(offset, offset + PAGE_SIZE).map(map);
  const next = offset + PAGE_SIZE < items.length ? offset + PAGE_SIZE : undefined;
  return { result: page, total: items.length, next };
}
