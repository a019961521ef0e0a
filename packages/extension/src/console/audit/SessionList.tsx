import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime, personLabel } from '../format.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { routeHash } from '../route.ts';
import { useOperation } from '../use-operation.ts';

const PAGE_SIZE = 20;

/** Impersonation sessions, newest first; each opens its actions at `#/audit/sessions/<id>`. */
export function SessionList() {
  const [page, setPage] = useState(FIRST_PAGE);
  const [sessions] = useOperation('ImpersonationSessions', { first: PAGE_SIZE, after: page.after });
  const rows =
    sessions.state === 'ready' ? sessions.value.impersonationSessions.edges.map((e) => e.node) : [];
  return (
    <section class="card">
      <h2>{i18n.t('console.audit.sessions')}</h2>
      <ListStatus
        result={sessions}
        empty={rows.length === 0}
        emptyText={i18n.t('console.audit.noSessions')}
      />
      {rows.length > 0 ? (
        <table class="list" data-testid="sessions-table">
          <thead>
            <tr>
              <th>{i18n.t('console.audit.admin')}</th>
              <th>{i18n.t('console.audit.impersonated')}</th>
              <th>{i18n.t('console.audit.started')}</th>
              <th>{i18n.t('console.audit.ended')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-testid={`session-row-${s.id}`}>
                <td>{personLabel(s.adminName, s.adminUserId)}</td>
                <td>{personLabel(s.impersonatedName, s.impersonatedUserId)}</td>
                <td>{formatDateTime(s.startedAt)}</td>
                <td>{s.endedAt ? formatDateTime(s.endedAt) : i18n.t('console.audit.open')}</td>
                <td>
                  <a href={routeHash({ tab: 'audit', sessionId: s.id })} data-testid={`session-link-${s.id}`}>
                    {i18n.t('console.audit.actions')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager
        state={page}
        pageInfo={sessions.state === 'ready' ? sessions.value.impersonationSessions.pageInfo : null}
        testId="sessions-pager"
        onChange={setPage}
      />
    </section>
  );
}
