import { i18n } from '#i18n';
import { hasPreviousPage, nextPage, type PageState, pageNumber, previousPage } from '../pagination.ts';

/** Previous / next buttons over a Relay connection's `pageInfo`. */
export function Pager(props: {
  state: PageState;
  pageInfo: { hasNextPage: boolean; endCursor: string | null } | null;
  testId: string;
  onChange(state: PageState): void;
}) {
  const { state, pageInfo } = props;
  // One page and nothing before it: nothing to page through.
  if (!hasPreviousPage(state) && !pageInfo?.hasNextPage) return null;
  return (
    <nav class="pager" data-testid={props.testId}>
      <button
        type="button"
        disabled={!hasPreviousPage(state)}
        data-testid={`${props.testId}-previous`}
        onClick={() => props.onChange(previousPage(state))}
      >
        {i18n.t('console.pager.previous')}
      </button>
      <span>{i18n.t('console.pager.page', [String(pageNumber(state))])}</span>
      <button
        type="button"
        disabled={!pageInfo?.hasNextPage}
        data-testid={`${props.testId}-next`}
        onClick={() => props.onChange(nextPage(state, pageInfo?.endCursor))}
      >
        {i18n.t('console.pager.next')}
      </button>
    </nav>
  );
}
