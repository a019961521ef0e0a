/**
 * Namespaces of the audit actions this product writes itself when it does the thing (sign-in, tokens,
 * auditor grants, signing keys, rights, settings, requests, impersonation sessions, weekly reports, the log's own
 * upkeep) or stores as edit history (`post.*`, `comment.*`, `message.*`, `version.*`). Nobody may write
 * them by hand through `recordEvents`: integrators get a ReservedActionError, and users may only report
 * the content edits and deletions their extension witnessed (confirmed against the portal).
 */
export const RESERVED_ACTION_NAMESPACES = [
  'auth',
  'auditor',
  'keys',
  'token',
  'rights',
  'settings',
  'dsr',
  'impersonation',
  'report',
  'audit',
  'post',
  'comment',
  'message',
  'version',
] as const;
export type ReservedActionNamespace = (typeof RESERVED_ACTION_NAMESPACES)[number];

/** `impersonation.started` → true; `crm.deal.exported` → false. */
export function isReservedAction(action: string): boolean {
  const namespace = action.split('.', 1)[0] ?? '';
  return (RESERVED_ACTION_NAMESPACES as readonly string[]).includes(namespace.toLowerCase());
}
