import { SignInCode } from '../../../identity/sign-in-code.entity.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';

/** The code's hash is never selected, let alone written: only when and what became of it. */
const FIELDS = ['id', 'createdAt', 'expiresAt', 'failedAttempts', 'consumedAt', 'burnedAt'] as const;

type SignInRow = Pick<SignInCode, (typeof FIELDS)[number]>;

export const signIns = defineCategory<SignInRow>({
  name: 'sign-ins',
  title: 'Your sign-ins to this system',
  about:
    'Each time a sign-in code was sent to you as a Bitrix24 notification, and what became of it. The codes ' +
    'themselves are not kept in readable form and are not included.',
  source: 'system',
  columns: [
    { name: 'requested_at', about: 'When the code was sent (ISO 8601, UTC).', value: (r) => r.createdAt },
    { name: 'expires_at', about: 'When the code stopped being valid.', value: (r) => r.expiresAt },
    { name: 'wrong_tries', about: 'How many wrong codes were typed for it.', value: (r) => r.failedAttempts },
    {
      name: 'used_at',
      about: 'When it was used to sign in; empty when it never was.',
      value: (r) => r.consumedAt,
    },
    {
      name: 'blocked_at',
      about: 'When it was blocked after too many wrong tries; empty when it was not.',
      value: (r) => r.burnedAt,
    },
  ],
  rows(ctx) {
    const { em, subjectUserId: userId } = ctx.sources;
    return byId(
      (after) =>
        em.find(
          SignInCode,
          { userId, ...(after ? { id: { $gt: after } } : {}) },
          { fields: [...FIELDS], orderBy: { id: 'asc' }, limit: SYSTEM_PAGE, disableIdentityMap: true },
        ),
      ctx.signal,
    );
  },
});
