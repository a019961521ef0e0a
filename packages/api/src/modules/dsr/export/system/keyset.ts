/** Rows of this system's tables per query: small, since a subject rarely has many. */
export const SYSTEM_PAGE = 500;

/**
 * Pages through one of our tables by primary key. Ids are UUID v7, so id order is creation order and
 * needs no second sort column. `fetch` must order by id, take `SYSTEM_PAGE` rows after the id given,
 * and should pass `disableIdentityMap` so read rows are not kept by the EntityManager.
 */
export function byId<T extends { id: string }>(
  fetch: (after: string | undefined) => Promise<T[]>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  return byLast((last) => fetch(last?.id), signal);
}

/** Pages through rows in any keyset order: `fetch` takes the last row of the page before (none at first). */
export async function* byLast<T>(
  fetch: (last: T | undefined) => Promise<T[]>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  let last: T | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const page = await fetch(last);
    yield* page;
    if (page.length < SYSTEM_PAGE) return;
    last = page.at(-1);
  }
}
