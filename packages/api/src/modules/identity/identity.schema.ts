import type { AppServices } from '../../app-services.ts';
import { builder } from '../../builder.ts';
import { InvalidInputError, InvalidSignInCodeError, NotFoundError, RateLimitedError } from '../../errors.ts';
import { afterFilter, pageSize, toPage } from '../../schema/keyset.ts';
import { actorIdOf, audited, requestFields } from '../audit/audited.ts';
import { ApiToken } from './api-token.entity.ts';
import { AuditorGrant } from './auditor-grant.entity.ts';
import { INTEGRATOR_SCOPES, ROLES, type Role } from './roles.ts';
import { codeRequestedEvent } from './sign-in-audit.ts';

export const RoleEnum = builder.enumType('Role', { values: ROLES });
export const IntegratorScopeEnum = builder.enumType('IntegratorScope', {
  values: Object.fromEntries(INTEGRATOR_SCOPES.map((s) => [s.replace(':', '_').toUpperCase(), { value: s }])),
});

export const ApiTokenRef = builder.objectType(ApiToken, {
  name: 'ApiToken',
  description: 'A bearer token. Its secret is shown once, when it is issued, and never stored.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind'),
    label: t.exposeString('label'),
    userId: t.exposeInt('userId', { nullable: true }),
    scopes: t.field({ type: [IntegratorScopeEnum], resolve: (token) => token.scopes }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const IssuedTokenRef = builder
  .objectRef<{ token: string; record: ApiToken; userId: number | null }>('IssuedToken')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'The secret. Store it now: it cannot be shown again.' }),
      apiToken: t.field({ type: ApiTokenRef, resolve: (issued) => issued.record }),
    }),
  });

const MeRef = builder.objectRef<{ userId: number | null; roles: string[]; tokenId: string }>('Me').implement({
  fields: (t) => ({
    userId: t.exposeInt('userId', {
      nullable: true,
      description: 'Portal user id; null for integrator tokens.',
    }),
    roles: t.field({ type: [RoleEnum], resolve: (me) => me.roles as (typeof ROLES)[number][] }),
    tokenId: t.exposeID('tokenId'),
  }),
});

const CodeRequestedRef = builder.objectRef<{ expiresInSeconds: number }>('SignInCodeRequested').implement({
  fields: (t) => ({
    message: t.string({
      resolve: () =>
        'If the login belongs to an active employee, a code was sent as a Bitrix24 notification.',
    }),
    expiresInSeconds: t.exposeInt('expiresInSeconds'),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: MeRef,
    authScopes: { authenticated: true },
    resolve: async (_root, _args, { principal, services }) => {
      if (principal.kind === 'anonymous')
        throw new Error('unreachable: scope-auth admits only authenticated callers');
      // The same recheck as the admin scope (at most once per user every few seconds): a user just made
      // administrator in the portal sees ADMIN here on the call where administrator fields already work.
      if (principal.kind === 'user' && !principal.roles.has('ADMIN') && services.directory.recheckAdmin)
        if (await services.directory.recheckAdmin(principal.userId))
          (principal.roles as Set<Role>).add('ADMIN');
      return {
        userId: principal.kind === 'user' ? principal.userId : null,
        roles: [...principal.roles],
        tokenId: principal.tokenId,
      };
    },
  }),
);

builder.queryField('apiTokens', (t) =>
  t.connection({
    type: ApiTokenRef,
    description: 'Your own tokens, newest first; administrators also see integrator tokens.',
    authScopes: { employee: true },
    resolve: async (_root, args, { em, principal }) => {
      if (principal.kind !== 'user') return toPage([], 1, () => ({ at: new Date(0), id: '' }), false);
      const limit = pageSize(args.first);
      const owner = principal.roles.has('ADMIN')
        ? { $or: [{ userId: principal.userId }, { kind: 'INTEGRATOR' as const }] }
        : { userId: principal.userId };
      const rows = await em.find(
        ApiToken,
        { $and: [owner, afterFilter(args.after)] },
        { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
      );
      return toPage(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), Boolean(args.after));
    },
  }),
);

builder.mutationField('requestSignInCode', (t) =>
  t.field({
    type: CodeRequestedRef,
    description:
      'Sends a one-time code to the user as a Bitrix24 notification. The answer is the same for unknown logins.',
    errors: { types: [InvalidInputError, RateLimitedError] },
    args: { login: t.arg.string({ required: true, description: 'Portal user id or work e-mail.' }) },
    resolve: (_root, { login }, ctx) => {
      const { actorId, ip, userAgent } = requestFields(ctx);
      return ctx.services.signIn.requestCode(ctx.em, login, ctx.request.ip, new Date(), (tx, normalised) =>
        ctx.services.audit
          .append(tx, [codeRequestedEvent(ctx.services.secret, normalised, { actorId, ip, userAgent })])
          .then(() => undefined),
      );
    },
  }),
);

builder.mutationField('signIn', (t) =>
  t.field({
    type: IssuedTokenRef,
    errors: { types: [InvalidInputError, InvalidSignInCodeError] },
    args: { login: t.arg.string({ required: true }), code: t.arg.string({ required: true }) },
    resolve: (_root, { login, code }, ctx) =>
      ctx.services.signIn.signIn(ctx.em, login, code, new Date(), (tx, result) =>
        ctx.services.audit
          .append(tx, [
            {
              ...withoutIntegrator(requestFields(ctx)),
              actorId: result.userId,
              action: 'auth.signin',
              target: { type: 'token', id: result.record.id },
            },
          ])
          .then(() => undefined),
      ),
  }),
);

builder.mutationField('signOut', (t) =>
  t.field({
    type: ApiTokenRef,
    description: 'Revokes the token used for this request.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, ctx) => {
      const { principal } = ctx;
      if (principal.kind === 'anonymous') throw new Error('unreachable');
      return forgettingPrincipals(
        ctx.services,
        audited(
          ctx,
          (tx) => ctx.services.tokens.revoke(tx, principal.tokenId),
          (token) => ({ action: 'auth.signout', target: { type: 'token', id: token.id } }),
        ),
      );
    },
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    type: ApiTokenRef,
    description: 'Revokes one of your tokens; administrators may revoke any token.',
    errors: { types: [NotFoundError] },
    authScopes: { employee: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, { em, services, principal, request }) => {
      const token = await em.findOne(ApiToken, { id: String(id) });
      const mine = principal.kind === 'user' && token?.userId === principal.userId;
      const admin = principal.kind === 'user' && principal.roles.has('ADMIN');
      // A token you may not see is reported exactly like one that does not exist.
      if (!token || !(mine || admin)) throw new NotFoundError('ApiToken', String(id));
      return forgettingPrincipals(
        services,
        audited(
          { em, services, principal, request },
          (tx) => services.tokens.revoke(tx, token.id),
          (revoked) => ({
            action: 'token.revoked',
            target: { type: 'token', id: revoked.id },
            metadata: { ownerUserId: revoked.userId, kind: revoked.kind },
          }),
        ),
      );
    },
  }),
);

builder.mutationField('createIntegratorToken', (t) =>
  t.field({
    type: IssuedTokenRef,
    errors: { types: [InvalidInputError] },
    authScopes: { admin: true },
    args: {
      label: t.arg.string({ required: true }),
      scopes: t.arg({ type: [IntegratorScopeEnum], required: true }),
    },
    resolve: async (_root, { label, scopes }, ctx) => {
      const issued = await audited(
        ctx,
        (tx) => ctx.services.tokens.issueIntegratorToken(tx, scopes, label, actorIdOf(ctx.principal)),
        ({ record }) => ({
          action: 'token.created',
          target: { type: 'token', id: record.id },
          metadata: { scopes, label },
        }),
      );
      return { ...issued, userId: null };
    },
  }),
);

const AuditorGrantRef = builder.objectType(AuditorGrant, {
  name: 'AuditorGrant',
  fields: (t) => ({
    id: t.exposeID('id'),
    userId: t.exposeInt('userId'),
    grantedBy: t.exposeInt('grantedBy'),
    grantedAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.mutationField('grantAuditor', (t) =>
  t.field({
    type: AuditorGrantRef,
    errors: { types: [NotFoundError] },
    authScopes: { admin: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: async (_root, { userId }, ctx) => {
      const user = await ctx.services.directory.getUser(userId);
      if (!user?.active) throw new NotFoundError('User', String(userId));
      // Granting again changes nothing and so logs nothing.
      const existing = await ctx.em.findOne(AuditorGrant, { userId, revokedAt: null });
      if (existing) return existing;
      return forgettingPrincipals(
        ctx.services,
        audited(
          ctx,
          async (tx) => {
            const grant = tx.create(AuditorGrant, { userId, grantedBy: actorIdOf(ctx.principal) ?? 0 });
            await tx.flush();
            return grant;
          },
          () => ({ action: 'auditor.granted', target: { type: 'user', id: userId } }),
        ),
      );
    },
  }),
);

builder.mutationField('revokeAuditor', (t) =>
  t.field({
    type: AuditorGrantRef,
    errors: { types: [NotFoundError] },
    authScopes: { admin: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: async (_root, { userId }, ctx) =>
      forgettingPrincipals(
        ctx.services,
        audited(
          ctx,
          async (tx) => {
            const grant = await tx.findOne(AuditorGrant, { userId, revokedAt: null });
            if (!grant) throw new NotFoundError('AuditorGrant', String(userId));
            grant.revokedAt = new Date();
            grant.revokedBy = actorIdOf(ctx.principal);
            await tx.flush();
            return grant;
          },
          () => ({ action: 'auditor.revoked', target: { type: 'user', id: userId } }),
        ),
      ),
  }),
);

/**
 * Once a change to tokens or grants has committed, this process forgets the token lookups it remembered
 * (principal.service.ts), so the next request sees the change.
 */
async function forgettingPrincipals<T>(
  services: Pick<AppServices, 'principals'>,
  change: Promise<T>,
): Promise<T> {
  try {
    return await change;
  } finally {
    services.principals.forget();
  }
}

function withoutIntegrator<T extends { integrator: unknown }>(fields: T): Omit<T, 'integrator'> {
  const { integrator: _integrator, ...rest } = fields;
  return rest;
}
