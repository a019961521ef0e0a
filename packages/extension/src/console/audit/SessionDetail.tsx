import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ErrorText } from '../components/ErrorText.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatDateTime, personLabel } from '../format.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { routeHash } from '../route.ts';
import { useOperation } from '../use-operation.ts';
import { EventTable } from './EventTable.tsx';

const PAGE_SIZE = 50;

/** One impersonation session: who acted as whom, when, and everything recorded during it. */
export function SessionDetail({ id, backLink = true }: { id: string; backLink?: boolean }) {
  const [page, setPage] = useState(FIRST_PAGE);
  const [session] = useOperation('ImpersonationSession', { id, first: PAGE_SIZE, after: page.after });
  const back = backLink ? (
    <a href={routeHash({ tab: 'audit', sessionId: null })} data-testid="session-back">
      {i18n.t('console.audit.back')}
    </a>
  ) : null;
  if (session.state === 'loading') return <p class="loading">{i18n.t('console.loading')}</p>;
  if (session.state === 'error') {
    return (
      <section class="card">
        {back}
        <ErrorText error={session.error} testId="session-error" />
      </section>
    );
  }
  const s = session.value.impersonationSession;
  const actions = s.actions.edges.map((e) => e.node);
  return (
    <section class="card" data-testid="session-detail">
      {back}
      <h2>{i18n.t('console.audit.sessionTitle')}</h2>
      <dl class="facts">
        <dt>{i18n.t('console.audit.admin')}</dt>
        <dd data-testid="session-admin">{personLabel(s.adminName, s.adminUserId)}</dd>
        <dt>{i18n.t('console.audit.impersonated')}</dt>
        <dd data-testid="session-impersonated">{personLabel(s.impersonatedName, s.impersonatedUserId)}</dd>
        <dt>{i18n.t('console.audit.started')}</dt>
        <dd>{formatDateTime(s.startedAt)}</dd>
        <dt>{i18n.t('console.audit.ended')}</dt>
        <dd>
          {s.endedAt ? `${formatDateTime(s.endedAt)} (${s.endReason ?? ''})` : i18n.t('console.audit.open')}
        </dd>
        <dt>{i18n.t('console.audit.sessionRef')}</dt>
        <dd>
          <code>{s.sessionRef}</code>
        </dd>
        {s.reason ? (
          <>
            <dt>{i18n.t('console.audit.reason')}</dt>
            <dd>{s.reason}</dd>
          </>
        ) : null}
      </dl>
      <h3>{i18n.t('console.audit.actions')}</h3>
      {actions.length === 0 ? (
        <p class="empty">{i18n.t('console.audit.noActions')}</p>
      ) : (
        <EventTable events={actions} testId="session-actions" />
      )}
      <Pager state={page} pageInfo={s.actions.pageInfo} testId="session-actions-pager" onChange={setPage} />
    </section>
  );
}
