import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { type AuditFilterForm, auditFilterVariables, EMPTY_AUDIT_FILTER } from '../filters.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { useOperation } from '../use-operation.ts';
import { EventTable } from './EventTable.tsx';

const PAGE_SIZE = 50;

const FIELDS: { key: keyof AuditFilterForm; label: () => string; type: 'text' | 'datetime-local' }[] = [
  { key: 'actor', label: () => i18n.t('console.audit.actor'), type: 'text' },
  { key: 'actionPrefix', label: () => i18n.t('console.audit.actionPrefix'), type: 'text' },
  { key: 'sessionKey', label: () => i18n.t('console.audit.sessionKey'), type: 'text' },
  { key: 'from', label: () => i18n.t('console.audit.from'), type: 'datetime-local' },
  { key: 'to', label: () => i18n.t('console.audit.to'), type: 'datetime-local' },
];

/** The event log, newest first, filtered by actor, action prefix, session key and time range. */
export function AuditEvents() {
  const [draft, setDraft] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTER);
  const [applied, setApplied] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTER);
  const [page, setPage] = useState(FIRST_PAGE);
  const [events] = useOperation('AuditEvents', {
    filter: auditFilterVariables(applied),
    first: PAGE_SIZE,
    after: page.after,
  });
  const apply = (filter: AuditFilterForm) => {
    setDraft(filter);
    setApplied(filter);
    setPage(FIRST_PAGE);
  };
  const inputProps = (key: keyof AuditFilterForm) => ({
    value: draft[key],
    'data-testid': `audit-filter-${key}`,
    onInput: (e: Event) => setDraft((d) => ({ ...d, [key]: (e.currentTarget as HTMLInputElement).value })),
  });
  const connection = events.state === 'ready' ? events.value.auditEvents : null;
  const rows =
    connection?.__typename === 'QueryAuditEventsConnection' ? connection.edges.map((e) => e.node) : [];

  return (
    <section class="card">
      <h2>{i18n.t('console.audit.events')}</h2>
      <form
        class="toolbar filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        {FIELDS.map((f) => (
          // biome-ignore lint/a11y/noLabelWithoutControl: the input is inside, chosen by its type.
          <label key={f.key}>
            <span class="field-label">{f.label()}</span>
            {f.type === 'text' ? (
              <input type="text" {...inputProps(f.key)} />
            ) : (
              <input type="datetime-local" {...inputProps(f.key)} />
            )}
          </label>
        ))}
        <button type="submit" data-testid="audit-filter-apply">
          {i18n.t('console.audit.apply')}
        </button>
        <button type="button" data-testid="audit-filter-reset" onClick={() => apply(EMPTY_AUDIT_FILTER)}>
          {i18n.t('console.audit.reset')}
        </button>
      </form>
      <ListStatus
        result={events}
        empty={rows.length === 0}
        emptyText={i18n.t('console.audit.noEvents')}
        errorTestId="audit-events-error"
      />
      {rows.length > 0 ? <EventTable events={rows} testId="audit-events" /> : null}
      <Pager
        state={page}
        pageInfo={connection?.__typename === 'QueryAuditEventsConnection' ? connection.pageInfo : null}
        testId="audit-events-pager"
        onChange={setPage}
      />
    </section>
  );
}
