import { AuditorGrant } from '../../../identity/auditor-grant.entity.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';

const FIELDS = ['id', 'createdAt', 'grantedBy', 'revokedAt', 'revokedBy'] as const;

type GrantRow = Pick<AuditorGrant, (typeof FIELDS)[number]>;

export const auditorRole = defineCategory<GrantRow>({
  name: 'auditor-role',
  title: 'Auditor role in this system',
  about:
    'Times an administrator gave you the auditor role (which lets you read the security audit) and when it ' +
    'was taken back. Empty if you never had it.',
  source: 'system',
  columns: [
    { name: 'granted_at', about: 'When the role was given (ISO 8601, UTC).', value: (r) => r.createdAt },
    { name: 'granted_by', about: 'User number of the administrator who gave it.', value: (r) => r.grantedBy },
    {
      name: 'revoked_at',
      about: 'When it was taken back; empty while you have it.',
      value: (r) => r.revokedAt,
    },
    {
      name: 'revoked_by',
      about: 'User number of the administrator who took it back.',
      value: (r) => r.revokedBy,
    },
  ],
  rows(ctx) {
    const { em, subjectUserId: userId } = ctx.sources;
    return byId(
      (after) =>
        em.find(
          AuditorGrant,
          { userId, ...(after ? { id: { $gt: after } } : {}) },
          { fields: [...FIELDS], orderBy: { id: 'asc' }, limit: SYSTEM_PAGE, disableIdentityMap: true },
        ),
      ctx.signal,
    );
  },
});
