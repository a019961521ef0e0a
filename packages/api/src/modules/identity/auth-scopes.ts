import type { AuthScopes } from '../../builder.ts';
import type { IntegratorScope, Principal, Role } from './roles.ts';

type ScopeLoader = {
  [K in keyof AuthScopes]: boolean | ((param: AuthScopes[K]) => boolean | Promise<boolean>);
};

/**
 * Maps a principal to the scopes fields declare; nothing here trusts the token beyond what was verified.
 * `recheckAdmin`: asked only when a field for administrators would be refused to a user (a user made an
 * administrator in the portal a moment ago gets the role on that very call); a yes adds ADMIN to the
 * principal for the rest of the request, so resolvers and the policy see the same role.
 */
export function authScopesFor(
  principal: Principal,
  recheckAdmin?: (userId: number) => Promise<boolean>,
): ScopeLoader {
  const roles = principal.kind === 'anonymous' ? new Set() : principal.roles;
  const admin =
    roles.has('ADMIN') || principal.kind !== 'user' || !recheckAdmin
      ? roles.has('ADMIN')
      : async () => {
          const now = await recheckAdmin(principal.userId);
          // The principal is this request's own (PrincipalService builds a fresh one with a mutable set).
          if (now) (principal.roles as Set<Role>).add('ADMIN');
          return now;
        };
  return {
    authenticated: principal.kind !== 'anonymous',
    employee: principal.kind === 'user',
    admin,
    auditor: roles.has('AUDITOR'),
    integrator: (scope: IntegratorScope) => principal.kind === 'integrator' && principal.scopes.has(scope),
  };
}
