import { i18n } from '#i18n';
import type { Loadable } from '../use-operation.ts';
import { ErrorText } from './ErrorText.tsx';

/** What a list shows instead of rows: the API's error, "Loading…", or that the list is empty. */
export function ListStatus(props: {
  result: Loadable<unknown>;
  empty: boolean;
  emptyText: string;
  errorTestId?: string;
}) {
  const { result } = props;
  if (result.state === 'error') return <ErrorText error={result.error} testId={props.errorTestId} />;
  if (result.state === 'loading') return <p class="loading">{i18n.t('console.loading')}</p>;
  return props.empty ? <p class="empty">{props.emptyText}</p> : null;
}
