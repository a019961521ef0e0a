import type { AuthScopes } from '../../builder.ts';
import type { IntegratorScope, Principal } from './roles.ts';

type ScopeLoader = { [K in keyof AuthScopes]: boolean | ((param: AuthScopes[K]) => boolean) };

/** Maps a principal to the scopes fields declare; nothing here trusts the token beyond what was verified. */
export function authScopesFor(principal: Principal): ScopeLoader {
  const roles = principal.kind === 'anonymous' ? new Set() : principal.roles;
  return {
    authenticated: principal.kind !== 'anonymous',
    employee: principal.kind === 'user',
    admin: roles.has('ADMIN'),
    auditor: roles.has('AUDITOR'),
    integrator: (scope: IntegratorScope) => principal.kind === 'integrator' && principal.scopes.has(scope),
  };
}
