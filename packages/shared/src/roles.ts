/** What a caller may be. ADMIN is never stored: the portal is asked, so revoking admin rights there takes effect at once. */
export const ROLES = ['EMPLOYEE', 'ADMIN', 'AUDITOR', 'INTEGRATOR'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes an integrator token can hold; a user token's reach comes from its user's roles instead. */
export const INTEGRATOR_SCOPES = [
  'users:read',
  'rights:write',
  'requests:read',
  'requests:write',
  'audit:read',
  'audit:write',
] as const;
export type IntegratorScope = (typeof INTEGRATOR_SCOPES)[number];
