import type { AuditEventFilter, RequestFilter, RequestStatus, RequestType } from '@b24-gdpr/shared/graphql';

export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'PENDING',
  'AWAITING_CONFIRMATION',
  'RUNNING',
  'FAILED',
  'COMPLETED',
  'COMPLETED_WITH_EXCEPTIONS',
  'CANCELLED',
];
export const REQUEST_TYPES: readonly RequestType[] = ['EXPORT', 'ANONYMISE', 'ERASE'];

/** The request filter as the form holds it: '' means "any". */
export interface RequestFilterForm {
  status: RequestStatus | '';
  type: RequestType | '';
}

export function requestFilterVariables(form: RequestFilterForm): RequestFilter {
  return {
    ...(form.status ? { status: [form.status] } : {}),
    ...(form.type ? { type: [form.type] } : {}),
  };
}

/** As the API decides: only a failed request is retried, only an open one (not finished) cancelled. */
export const canRetry = (status: RequestStatus): boolean => status === 'FAILED';
export const canCancel = (status: RequestStatus): boolean =>
  status === 'PENDING' || status === 'AWAITING_CONFIRMATION' || status === 'RUNNING';

/** The audit filter as the form holds it: free text and `datetime-local` values, '' for "any". */
export interface AuditFilterForm {
  actor: string;
  actionPrefix: string;
  sessionKey: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = {
  actor: '',
  actionPrefix: '',
  sessionKey: '',
  from: '',
  to: '',
};

/** A `datetime-local` value (the browser's local time) as an ISO instant; null when empty or unreadable. */
export function localDateTimeToIso(value: string): string | null {
  if (!value.trim()) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Trimmed filters, with empty fields left out so the API does not filter on "". */
export function auditFilterVariables(form: AuditFilterForm): AuditEventFilter {
  const filter: AuditEventFilter = {};
  const actor = form.actor.trim();
  const actionPrefix = form.actionPrefix.trim();
  const sessionKey = form.sessionKey.trim();
  const from = localDateTimeToIso(form.from);
  const to = localDateTimeToIso(form.to);
  if (actor) filter.actor = actor;
  if (actionPrefix) filter.actionPrefix = actionPrefix;
  if (sessionKey) filter.sessionKey = sessionKey;
  if (from) filter.occurredFrom = from;
  if (to) filter.occurredTo = to;
  return filter;
}
