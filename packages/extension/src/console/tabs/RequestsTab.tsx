import type { RequestFieldsFragment } from '@b24-gdpr/shared/graphql';
import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { Deadline } from '../components/Deadline.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { Progress } from '../components/Progress.tsx';
import { statusLabel, typeLabel } from '../components/RequestLabel.tsx';
import {
  canCancel,
  canRetry,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  type RequestFilterForm,
  requestFilterVariables,
} from '../filters.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { runOperation, useOperation } from '../use-operation.ts';

const PAGE_SIZE = 25;
const FINISHED = new Set(['COMPLETED', 'COMPLETED_WITH_EXCEPTIONS', 'CANCELLED']);

/** Every data-subject request with its deadline; failed ones can be retried, open ones cancelled. */
export function RequestsTab() {
  const [filter, setFilter] = useState<RequestFilterForm>({ status: '', type: '' });
  const [page, setPage] = useState(FIRST_PAGE);
  const [updated, setUpdated] = useState<Map<string, RequestFieldsFragment>>(new Map());
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [requests, reload] = useOperation('DataSubjectRequests', {
    filter: requestFilterVariables(filter),
    first: PAGE_SIZE,
    after: page.after,
  });

  const changeFilter = (change: Partial<RequestFilterForm>) => {
    setFilter((f) => ({ ...f, ...change }));
    setPage(FIRST_PAGE);
  };

  async function act(id: string, operation: 'RetryRequest' | 'CancelRequest') {
    setBusy(true);
    const result = await runOperation(operation, { id });
    setBusy(false);
    setErrors((map) => {
      const next = new Map(map);
      if (result.ok) next.delete(id);
      else next.set(id, result.error.message);
      return next;
    });
    if (!result.ok) return;
    const request = 'retryRequest' in result.value ? result.value.retryRequest : result.value.cancelRequest;
    setUpdated((map) => new Map(map).set(id, request));
  }

  const rows =
    requests.state === 'ready'
      ? requests.value.dataSubjectRequests.edges.map((e) => updated.get(e.node.id) ?? e.node)
      : [];

  return (
    <section class="card">
      <div class="toolbar">
        <select
          value={filter.status}
          aria-label={i18n.t('console.requests.status')}
          data-testid="requests-filter-status"
          onChange={(e) =>
            changeFilter({
              status: (e.currentTarget as HTMLSelectElement).value as RequestFilterForm['status'],
            })
          }
        >
          <option value="">{i18n.t('console.requests.allStatuses')}</option>
          {REQUEST_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        <select
          value={filter.type}
          aria-label={i18n.t('console.requests.type')}
          data-testid="requests-filter-type"
          onChange={(e) =>
            changeFilter({ type: (e.currentTarget as HTMLSelectElement).value as RequestFilterForm['type'] })
          }
        >
          <option value="">{i18n.t('console.requests.allTypes')}</option>
          {REQUEST_TYPES.map((t) => (
            <option key={t} value={t}>
              {typeLabel(t)}
            </option>
          ))}
        </select>
        {/* Progress moves on the server; a newer page replaces the one shown, changed rows included. */}
        <button
          type="button"
          data-testid="requests-refresh"
          onClick={() => {
            setUpdated(new Map());
            reload();
          }}
        >
          {i18n.t('console.requests.refresh')}
        </button>
      </div>
      <ListStatus result={requests} empty={rows.length === 0} emptyText={i18n.t('console.requests.empty')} />
      {rows.length > 0 ? (
        <table class="list" data-testid="requests-table">
          <thead>
            <tr>
              <th>{i18n.t('console.requests.type')}</th>
              <th>{i18n.t('console.requests.subject')}</th>
              <th>{i18n.t('console.requests.status')}</th>
              <th>{i18n.t('console.requests.progress')}</th>
              <th>{i18n.t('console.requests.deadline')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`request-row-${r.id}`} data-status={r.status}>
                <td>{typeLabel(r.type)}</td>
                <td>
                  {r.subjectUserId !== null
                    ? `#${r.subjectUserId}`
                    : i18n.t('console.requests.subjectGone', [r.subjectPseudonym ?? '?'])}
                </td>
                <td>
                  <span class={`request-status status-${r.status.toLowerCase()}`}>
                    {statusLabel(r.status)}
                  </span>
                  {r.error ? <small class="error-detail">{r.error}</small> : null}
                  <ErrorText error={errors.get(r.id)} testId={`request-error-${r.id}`} />
                </td>
                <td>
                  <Progress progress={r.progress} />
                </td>
                <td>
                  <Deadline id={r.id} daysLeft={r.daysLeft} finished={FINISHED.has(r.status)} />
                </td>
                <td class="row-actions">
                  {canRetry(r.status) ? (
                    <button
                      type="button"
                      data-testid={`request-retry-${r.id}`}
                      disabled={busy}
                      onClick={() => void act(r.id, 'RetryRequest')}
                    >
                      {i18n.t('console.requests.retry')}
                    </button>
                  ) : null}
                  {canCancel(r.status) ? (
                    <button
                      type="button"
                      data-testid={`request-cancel-${r.id}`}
                      disabled={busy}
                      onClick={() => void act(r.id, 'CancelRequest')}
                    >
                      {i18n.t('console.requests.cancel')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager
        state={page}
        pageInfo={requests.state === 'ready' ? requests.value.dataSubjectRequests.pageInfo : null}
        testId="requests-pager"
        onChange={setPage}
      />
    </section>
  );
}
