import type { ConsoleUserFieldsFragment, RequestFieldsFragment } from '@b24-gdpr/shared/graphql';
import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ErasurePreview, type Preview } from '../components/ErasurePreview.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { RequestLabel } from '../components/RequestLabel.tsx';
import { fullName } from '../format.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { toggled, toggledAll } from '../selection.ts';
import { runOperation, useOperation } from '../use-operation.ts';

const PAGE_SIZE = 25;

/** Per user: the request an action created, or why it was refused. */
type RowResult = { request: RequestFieldsFragment } | { error: string };

/** Dismissed employees: anonymise one or many, or delete one after reading the preview. */
export function DismissedTab() {
  const [page, setPage] = useState(FIRST_PAGE);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [results, setResults] = useState<Map<number, RowResult>>(new Map());
  const [preview, setPreview] = useState<{ user: ConsoleUserFieldsFragment; preview: Preview } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [users] = useOperation('ConsoleDismissedUsers', { first: PAGE_SIZE, after: page.after });

  const record = (entries: [number, RowResult][]) => setResults((map) => new Map([...map, ...entries]));

  async function run<T>(action: () => Promise<T>): Promise<T> {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } finally {
      setBusy(false);
    }
  }

  const anonymise = (userId: number) =>
    run(async () => {
      const result = await runOperation('RequestAnonymisation', { userId });
      record([
        [
          userId,
          result.ok ? { request: result.value.requestAnonymisation } : { error: result.error.message },
        ],
      ]);
    });

  const anonymiseSelected = () =>
    run(async () => {
      const result = await runOperation('RequestAnonymisations', { userIds: [...selected] });
      if (!result.ok) return setError(result.error.message);
      record(
        result.value.requestAnonymisations.data.map((item): [number, RowResult] => [
          item.userId,
          item.request ? { request: item.request } : { error: item.refusal?.message ?? '' },
        ]),
      );
      setSelected(new Set());
    });

  const askErase = (user: ConsoleUserFieldsFragment) =>
    run(async () => {
      const result = await runOperation('PreviewErasure', { userId: user.id });
      if (!result.ok) return record([[user.id, { error: result.error.message }]]);
      setPreview({ user, preview: result.value.previewErasure });
    });

  const confirmErase = () =>
    run(async () => {
      const token = preview?.preview.token;
      if (!preview || !token) return;
      const userId = preview.user.id;
      const result = await runOperation('EraseUser', { userId, previewToken: token });
      record([[userId, result.ok ? { request: result.value.eraseUser } : { error: result.error.message }]]);
      setPreview(null);
    });

  const rows = users.state === 'ready' ? users.value.dismissedUsers.edges.map((e) => e.node) : [];
  const ids = rows.map((u) => u.id);

  return (
    <section class="card">
      <div class="toolbar bulk">
        <span>{i18n.t('console.users.selected', [String(selected.size)])}</span>
        <button
          type="button"
          data-testid="dismissed-bulk-anonymise"
          disabled={busy || selected.size === 0}
          onClick={() => void anonymiseSelected()}
        >
          {i18n.t('console.dismissed.bulkAnonymise')}
        </button>
      </div>
      <ErrorText error={error} testId="dismissed-error" />
      <ListStatus result={users} empty={rows.length === 0} emptyText={i18n.t('console.dismissed.empty')} />
      {rows.length > 0 ? (
        <table class="list" data-testid="dismissed-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={i18n.t('console.users.selectAll')}
                  data-testid="dismissed-select-all"
                  checked={ids.every((id) => selected.has(id))}
                  onChange={() => setSelected((s) => toggledAll(s, ids))}
                />
              </th>
              <th>{i18n.t('console.users.name')}</th>
              <th>{i18n.t('console.dismissed.lastRequest')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => {
              const result = results.get(user.id);
              const last = result && 'request' in result ? result.request : user.lastRequest;
              return (
                <tr key={user.id} data-testid={`dismissed-row-${user.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={i18n.t('console.users.select')}
                      data-testid={`dismissed-select-${user.id}`}
                      checked={selected.has(user.id)}
                      onChange={(e) =>
                        setSelected((s) => toggled(s, user.id, (e.currentTarget as HTMLInputElement).checked))
                      }
                    />
                  </td>
                  <td>{fullName(user)}</td>
                  <td data-testid={`dismissed-last-${user.id}`}>
                    {last ? <RequestLabel request={last} /> : i18n.t('console.dismissed.none')}
                    {result && 'error' in result ? (
                      <ErrorText error={result.error} testId={`dismissed-row-error-${user.id}`} />
                    ) : null}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      data-testid={`dismissed-anonymise-${user.id}`}
                      disabled={busy}
                      onClick={() => void anonymise(user.id)}
                    >
                      {i18n.t('console.dismissed.anonymise')}
                    </button>
                    <button
                      type="button"
                      class="danger"
                      data-testid={`dismissed-erase-${user.id}`}
                      disabled={busy}
                      onClick={() => void askErase(user)}
                    >
                      {i18n.t('console.dismissed.erase')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager
        state={page}
        pageInfo={users.state === 'ready' ? users.value.dismissedUsers.pageInfo : null}
        testId="dismissed-pager"
        onChange={setPage}
      />
      {preview ? (
        <ErasurePreview
          name={fullName(preview.user)}
          preview={preview.preview}
          busy={busy}
          onConfirm={() => void confirmErase()}
          onCancel={() => setPreview(null)}
        />
      ) : null}
    </section>
  );
}
