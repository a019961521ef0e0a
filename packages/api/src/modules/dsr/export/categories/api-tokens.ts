import { ApiToken } from '../../../identity/api-token.entity.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';

/** The token's hash is never selected: a token is shown once, when it is made, and never again. */
const FIELDS = ['id', 'label', 'createdAt', 'createdBy', 'lastUsedAt', 'revokedAt'] as const;

type TokenRow = Pick<ApiToken, (typeof FIELDS)[number]>;

export const apiTokens = defineCategory<TokenRow>({
  name: 'api-tokens',
  title: 'Your access tokens for this system',
  about:
    'The access tokens issued to you (each sign-in makes one). The secret part of a token is not kept and is not included.',
  source: 'system',
  columns: [
    { name: 'token_id', about: 'Reference of the token (not the token itself).', value: (r) => r.id },
    { name: 'label', about: 'Name given to the token.', value: (r) => r.label },
    { name: 'created_at', about: 'When it was issued (ISO 8601, UTC).', value: (r) => r.createdAt },
    {
      name: 'created_by',
      about: 'User number of whoever issued it; empty when issued at sign-in.',
      value: (r) => r.createdBy,
    },
    { name: 'last_used_at', about: 'When it was last used (to the minute).', value: (r) => r.lastUsedAt },
    { name: 'revoked_at', about: 'When it was revoked; empty while it is valid.', value: (r) => r.revokedAt },
  ],
  rows(ctx) {
    const { em, subjectUserId: userId } = ctx.sources;
    return byId(
      (after) =>
        em.find(
          ApiToken,
          { userId, kind: 'USER', ...(after ? { id: { $gt: after } } : {}) },
          { fields: [...FIELDS], orderBy: { id: 'asc' }, limit: SYSTEM_PAGE, disableIdentityMap: true },
        ),
      ctx.signal,
    );
  },
});
