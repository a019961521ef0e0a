import type { IntegratorScope, Role } from '@b24-gdpr/shared';

export { INTEGRATOR_SCOPES, type IntegratorScope, ROLES, type Role } from '@b24-gdpr/shared';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; tokenId: string; userId: number; roles: ReadonlySet<Role> }
  | { kind: 'integrator'; tokenId: string; scopes: ReadonlySet<IntegratorScope>; roles: ReadonlySet<Role> };

export const anonymous: Principal = { kind: 'anonymous' };
