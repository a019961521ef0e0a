import type { RequestStatus, RequestType } from '@b24-gdpr/shared/graphql';
import { i18n } from '#i18n';

export const typeLabel = (type: RequestType): string => i18n.t(`console.type.${type}`);
export const statusLabel = (status: RequestStatus): string => i18n.t(`console.status.${status}`);

/** "Anonymisation: Running", with the status as a class so the list can colour it. */
export function RequestLabel({ request }: { request: { type: RequestType; status: RequestStatus } }) {
  return (
    <span class={`request-status status-${request.status.toLowerCase()}`}>
      {`${typeLabel(request.type)}: ${statusLabel(request.status)}`}
    </span>
  );
}
