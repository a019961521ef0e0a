import type { ConsoleUserRightsFieldsFragment } from '@b24-gdpr/shared/graphql';
import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ErrorText } from '../components/ErrorText.tsx';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { Switch } from '../components/Switch.tsx';
import { fullName } from '../format.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { toggled, toggledAll } from '../selection.ts';
import { runOperation, useOperation } from '../use-operation.ts';

export const USERS_PAGE_SIZE = 25;

type RightsChange = { canAnonymise?: boolean; canErase?: boolean };

/** Current employees with their two rights as switches; several can be changed at once. */
export function UsersTab() {
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(FIRST_PAGE);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // Rights the API returned after a change, shown instead of the page's until it is reloaded.
  const [changed, setChanged] = useState<Map<number, ConsoleUserRightsFieldsFragment>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [users] = useOperation('ConsoleUsers', {
    filter: { active: true, ...(search ? { search } : {}) },
    first: USERS_PAGE_SIZE,
    after: page.after,
  });

  async function setRights(userIds: number[], change: RightsChange) {
    setBusy(true);
    setError(null);
    const result = await runOperation('ConsoleSetUserRights', { userIds, ...change });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setChanged((map) => {
      const next = new Map(map);
      for (const rights of result.value.setUserRights.data) next.set(rights.userId, rights);
      return next;
    });
  }

  const rows = users.state === 'ready' ? users.value.users.edges.map((e) => e.node) : [];
  const ids = rows.map((u) => u.id);
  const chosen = [...selected];

  return (
    <section class="card">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(draft.trim());
          setPage(FIRST_PAGE);
        }}
      >
        <input
          type="search"
          value={draft}
          placeholder={i18n.t('console.users.search')}
          aria-label={i18n.t('console.users.search')}
          data-testid="users-search"
          onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="users-search-submit">
          {i18n.t('console.users.searchButton')}
        </button>
      </form>

      <div class="toolbar bulk" data-testid="users-bulk">
        <span>{i18n.t('console.users.selected', [String(chosen.length)])}</span>
        <BulkButton
          testId="bulk-anonymise-on"
          disabled={busy || !chosen.length}
          onClick={() => setRights(chosen, { canAnonymise: true })}
        >
          {i18n.t('console.users.bulkAnonymiseOn')}
        </BulkButton>
        <BulkButton
          testId="bulk-anonymise-off"
          disabled={busy || !chosen.length}
          onClick={() => setRights(chosen, { canAnonymise: false })}
        >
          {i18n.t('console.users.bulkAnonymiseOff')}
        </BulkButton>
        <BulkButton
          testId="bulk-erase-on"
          disabled={busy || !chosen.length}
          onClick={() => setRights(chosen, { canErase: true })}
        >
          {i18n.t('console.users.bulkEraseOn')}
        </BulkButton>
        <BulkButton
          testId="bulk-erase-off"
          disabled={busy || !chosen.length}
          onClick={() => setRights(chosen, { canErase: false })}
        >
          {i18n.t('console.users.bulkEraseOff')}
        </BulkButton>
      </div>
      <ErrorText error={error} testId="users-error" />

      <ListStatus result={users} empty={rows.length === 0} emptyText={i18n.t('console.users.empty')} />
      {rows.length > 0 ? (
        <table class="list" data-testid="users-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={i18n.t('console.users.selectAll')}
                  data-testid="users-select-all"
                  checked={ids.every((id) => selected.has(id))}
                  onChange={() => setSelected((s) => toggledAll(s, ids))}
                />
              </th>
              <th>{i18n.t('console.users.name')}</th>
              <th>{i18n.t('console.users.email')}</th>
              <th>{i18n.t('console.rights.anonymise')}</th>
              <th>{i18n.t('console.rights.erase')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => {
              const rights = changed.get(user.id) ?? user.rights;
              return (
                <tr key={user.id} data-testid={`user-row-${user.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={i18n.t('console.users.select')}
                      data-testid={`user-select-${user.id}`}
                      checked={selected.has(user.id)}
                      onChange={(e) =>
                        setSelected((s) => toggled(s, user.id, (e.currentTarget as HTMLInputElement).checked))
                      }
                    />
                  </td>
                  <td>
                    {fullName(user)}
                    {rights.isDefault ? <small class="tag">{i18n.t('console.users.default')}</small> : null}
                  </td>
                  <td>{user.email ?? ''}</td>
                  <td>
                    <Switch
                      hideLabel
                      checked={rights.canAnonymise}
                      disabled={busy}
                      label={i18n.t('console.rights.anonymise')}
                      testId={`user-right-anonymise-${user.id}`}
                      onChange={(v) => void setRights([user.id], { canAnonymise: v })}
                    />
                  </td>
                  <td>
                    <Switch
                      hideLabel
                      checked={rights.canErase}
                      disabled={busy}
                      label={i18n.t('console.rights.erase')}
                      testId={`user-right-erase-${user.id}`}
                      onChange={(v) => void setRights([user.id], { canErase: v })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager
        state={page}
        pageInfo={users.state === 'ready' ? users.value.users.pageInfo : null}
        testId="users-pager"
        onChange={setPage}
      />
    </section>
  );
}

function BulkButton(props: { testId: string; disabled: boolean; onClick(): void; children: string }) {
  return (
    <button type="button" data-testid={props.testId} disabled={props.disabled} onClick={props.onClick}>
      {props.children}
    </button>
  );
}
