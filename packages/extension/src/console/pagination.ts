/**
 * Relay cursor paging with next and previous: the API pages forward (`first`/`after`), so going back
 * means remembering the `after` of each page seen before this one.
 */
export interface PageState {
  /** The `after` of the page shown; null for the first page. */
  after: string | null;
  /** The `after` of every earlier page, oldest first. */
  previous: (string | null)[];
}

export const FIRST_PAGE: PageState = { after: null, previous: [] };

export function nextPage(state: PageState, endCursor: string | null | undefined): PageState {
  if (!endCursor) return state;
  return { after: endCursor, previous: [...state.previous, state.after] };
}

export function previousPage(state: PageState): PageState {
  if (state.previous.length === 0) return state;
  return { after: state.previous.at(-1) ?? null, previous: state.previous.slice(0, -1) };
}

export const hasPreviousPage = (state: PageState): boolean => state.previous.length > 0;

/** The 1-based number of the page shown, for "Page 3". */
export const pageNumber = (state: PageState): number => state.previous.length + 1;
