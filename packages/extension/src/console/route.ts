import type { Role } from '@b24-gdpr/shared';

/** The console's tabs, in the order the navigation shows them. */
export const TABS = ['settings', 'users', 'dismissed', 'chats', 'requests', 'audit'] as const;
export type TabId = (typeof TABS)[number];

/** Where the hash points: a tab, and on the audit tab optionally one impersonation session. */
export interface Route {
  tab: TabId | null;
  sessionId: string | null;
}

const ADMIN_TABS: readonly TabId[] = ['settings', 'users', 'dismissed', 'chats', 'requests'];
const AUDITOR_TABS: readonly TabId[] = ['audit'];

/** The tabs a user with these roles may open: admins the admin tabs, auditors the audit tab. */
export function tabsFor(roles: readonly Role[]): TabId[] {
  return TABS.filter(
    (tab) =>
      (roles.includes('ADMIN') && ADMIN_TABS.includes(tab)) ||
      (roles.includes('AUDITOR') && AUDITOR_TABS.includes(tab)),
  );
}

/**
 * Reads `#/settings`, `#/audit/sessions/<id>` and the like. Content scripts link here, so anything
 * unknown yields no tab (the app then opens the first allowed one) rather than an error.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const tab = TABS.find((t) => t === parts[0]) ?? null;
  const sessionId =
    tab === 'audit' && parts[1] === 'sessions' && parts[2] ? decodeURIComponent(parts[2]) : null;
  return { tab, sessionId };
}

export function routeHash(route: Route): string {
  if (!route.tab) return '#/';
  if (route.tab === 'audit' && route.sessionId) {
    return `#/audit/sessions/${encodeURIComponent(route.sessionId)}`;
  }
  return `#/${route.tab}`;
}

/** The route to show: the asked-for tab when allowed, otherwise the first allowed tab (or none). */
export function resolveRoute(route: Route, allowed: readonly TabId[]): Route {
  if (route.tab && allowed.includes(route.tab)) return route;
  return { tab: allowed[0] ?? null, sessionId: null };
}
