/**
 * Which scope an OAuth token needs for a method (api-reference/scopes/permissions.md; each method
 * page's "Scope:" line). `basic` methods need none: `profile`, `app.info`, `user.admin`,
 * `event.*`, `batch` (api-reference/common/users/profile.md, user-admin.md, system/app-info.md).
 * A method of `user` also accepts `user_brief` / `user_basic` (api-reference/user/user-get.md).
 */
export const ALL_SCOPES = [
  'user',
  'user_brief',
  'user_basic',
  'department',
  'im',
  'log',
  'task',
  'calendar',
  'disk',
  'placement',
] as const;

const BASIC = new Set(['profile', 'app.info', 'user.admin', 'user.access', 'batch', 'methods', 'scope']);

const PREFIXES: [string, string][] = [
  ['event.', 'basic'],
  ['user.', 'user'],
  ['department.', 'department'],
  ['im.', 'im'],
  ['log.', 'log'],
  ['tasks.', 'task'],
  ['task.', 'task'],
  ['calendar.', 'calendar'],
  ['disk.', 'disk'],
  ['placement.', 'placement'],
];

export function scopeOfMethod(method: string): string {
  const m = method.toLowerCase();
  if (BASIC.has(m)) return 'basic';
  for (const [prefix, scope] of PREFIXES) if (m.startsWith(prefix)) return scope;
  return 'basic';
}

/** modules/rest/lib/oauth/auth.php: a method outside the token's scope is `insufficient_scope`. */
export function scopeAllows(granted: readonly string[], method: string): boolean {
  const needed = scopeOfMethod(method);
  if (needed === 'basic') return true;
  if (granted.includes(needed)) return true;
  return needed === 'user' && (granted.includes('user_brief') || granted.includes('user_basic'));
}
