import type { AuditEventFieldsFragment } from '@b24-gdpr/shared/graphql';
import { i18n } from '#i18n';
import { formatDateTime } from '../format.ts';

/** Audit events; metadata is shown as JSON text (it carries portal text, so never as HTML). */
export function EventTable({
  events,
  testId,
}: {
  events: readonly AuditEventFieldsFragment[];
  testId: string;
}) {
  return (
    <table class="list" data-testid={testId}>
      <thead>
        <tr>
          <th>{i18n.t('console.audit.when')}</th>
          <th>{i18n.t('console.audit.actor')}</th>
          <th>{i18n.t('console.audit.action')}</th>
          <th>{i18n.t('console.audit.target')}</th>
          <th>{i18n.t('console.audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid={`audit-event-${e.id}`}>
            <td>{formatDateTime(e.occurredAt)}</td>
            <td>{e.onBehalfOf ? `${e.actor ?? '—'} → ${e.onBehalfOf}` : (e.actor ?? '—')}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
            <td>
              <code class="metadata">{JSON.stringify(e.metadata)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
