import { i18n } from '#i18n';
import type { SubjectRequest } from './types.ts';

/** The requests about a dismissed employee, newest first. */
export function RequestHistory(props: { requests: SubjectRequest[] }) {
  return (
    <div data-testid="request-history">
      <h2>{i18n.t('page.panel.history')}</h2>
      {props.requests.length === 0 ? (
        <p class="muted">{i18n.t('page.panel.noHistory')}</p>
      ) : (
        <ul class="history">
          {props.requests.map((r) => (
            <li key={r.id} data-status={r.status}>
              {i18n.t(`page.type.${r.type}`)}: {i18n.t(`page.status.${r.status}`)} (
              {i18n.t('page.panel.received', [new Date(r.receivedAt).toLocaleDateString()])})
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
