import type { ObjectRef } from '@pothos/core';
import { builder } from '../../builder.ts';
import type { GraphQLContext } from '../../context.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { actorIdOf, audited } from '../audit/audited.ts';
import type { PortalUserSummary } from '../portal/portal-directory.ts';
import { actorOf } from './decisions.ts';
import { decide, type PolicyAction } from './policy.ts';
import type { EffectiveRights } from './rights.service.ts';

export const DataSubjectActionEnum = builder.enumType('DataSubjectAction', {
  values: ['EXPORT', 'ANONYMISE', 'ERASE'] as const,
});

const ActionDecisionRef = builder
  .objectRef<{ action: PolicyAction; allowed: boolean; rule: string | null; message: string | null }>(
    'ActionDecision',
  )
  .implement({
    description:
      'Whether the caller may start this action for this user now, and if not, which rule refuses it.',
    fields: (t) => ({
      action: t.field({ type: DataSubjectActionEnum, resolve: (d) => d.action }),
      allowed: t.exposeBoolean('allowed'),
      rule: t.exposeString('rule', { nullable: true }),
      message: t.exposeString('message', { nullable: true }),
    }),
  });

export const UserRightsRef = builder.objectRef<EffectiveRights>('UserRights').implement({
  fields: (t) => ({
    userId: t.exposeInt('userId'),
    canAnonymise: t.exposeBoolean('canAnonymise'),
    canErase: t.exposeBoolean('canErase'),
    isDefault: t.exposeBoolean('isDefault', {
      description: 'No administrator set these: the default rights apply.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    updatedBy: t.exposeInt('updatedBy', { nullable: true }),
    actions: t.field({
      type: [ActionDecisionRef],
      description: 'Each action, decided for the caller.',
      resolve: (rights, _args, ctx) => actionsFor(ctx, rights),
    }),
  }),
});

export const PortalUserRef = builder.objectRef<PortalUserSummary>('PortalUser').implement({
  fields: (t) => ({
    id: t.exposeInt('id'),
    name: t.exposeString('name'),
    lastName: t.exposeString('lastName'),
    email: t.exposeString('email', { nullable: true }),
    active: t.exposeBoolean('active', { description: 'False for dismissed employees.' }),
    rights: t.field({
      type: UserRightsRef,
      resolve: async (user, _args, { em, services }) => {
        const settings = await services.settings.get(em);
        return (await services.rights.rightsOf(em, [user.id], settings.settings)).get(user.id)!;
      },
    }),
  }),
});

async function actionsFor(ctx: GraphQLContext, rights: EffectiveRights) {
  const actor = actorOf(ctx.principal);
  const [user, isAdmin, settings] = await Promise.all([
    ctx.services.directory.getUser(rights.userId),
    ctx.services.directory.isAdmin(rights.userId),
    ctx.services.settings.get(ctx.em),
  ]);
  return (['EXPORT', 'ANONYMISE', 'ERASE'] as const).map((action) => {
    const decision = actor
      ? decide({
          actor,
          action,
          subject: { userId: rights.userId, active: user?.active ?? false, isAdmin, rights },
          switches: settings.settings,
        })
      : ({ allowed: false, rule: 'NOT_YOUR_DATA', message: 'Sign in first.' } as const);
    return decision.allowed
      ? { action, allowed: true, rule: null, message: null }
      : { action, allowed: false, rule: decision.rule, message: decision.message };
  });
}

/** Your own rights; any user's for administrators, auditors and user-reading integrators. */
function mayRead(ctx: GraphQLContext, userId: number): boolean {
  const p = ctx.principal;
  if (p.kind === 'integrator') return p.scopes.has('users:read');
  return p.kind === 'user' && (p.userId === userId || p.roles.has('ADMIN') || p.roles.has('AUDITOR'));
}

builder.queryField('userRights', (t) =>
  t.field({
    type: UserRightsRef,
    errors: { types: [NotFoundError] },
    authScopes: { authenticated: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: async (_root, { userId }, ctx) => {
      // Someone you may not look at is reported like someone who does not exist.
      const user = mayRead(ctx, userId) ? await ctx.services.directory.getUser(userId) : null;
      if (!user) throw new NotFoundError('User', String(userId));
      const settings = await ctx.services.settings.get(ctx.em);
      return (await ctx.services.rights.rightsOf(ctx.em, [userId], settings.settings)).get(userId)!;
    },
  }),
);

builder.mutationField('setUserRights', (t) =>
  t.field({
    type: [UserRightsRef],
    description:
      'Sets the rights of one user or many at once; a right left out keeps each user’s current value.',
    errors: { types: [InvalidInputError, NotFoundError] },
    authScopes: { admin: true, integrator: 'rights:write' },
    args: {
      userIds: t.arg.intList({ required: true }),
      canAnonymise: t.arg.boolean(),
      canErase: t.arg.boolean(),
    },
    resolve: async (_root, { userIds, canAnonymise, canErase }, ctx) => {
      const { services } = ctx;
      const known = await services.directory.getUsers(userIds);
      const unknown = userIds.find((id) => !known.get(id) || known.get(id)!.userType !== 'employee');
      if (unknown !== undefined) throw new NotFoundError('User', String(unknown));
      const settings = await services.settings.get(ctx.em);
      return audited(
        ctx,
        (tx) =>
          services.rights.setRights(
            tx,
            userIds,
            { canAnonymise, canErase },
            settings.settings,
            actorIdOf(ctx.principal),
          ),
        (rows) =>
          rows.map((r) => ({
            action: 'rights.updated',
            target: { type: 'user', id: r.userId },
            metadata: { canAnonymise: r.canAnonymise, canErase: r.canErase },
          })),
      );
    },
  }),
);

const UserFilter = builder.inputType('UserFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Name or e-mail, as the portal searches it.' }),
    active: t.boolean({ description: 'True: current employees; false: dismissed ones.' }),
  }),
});

const userCursor = (id: number) => Buffer.from(`u:${id}`).toString('base64url');
function afterUserId(after: string | null | undefined): number {
  if (!after) return 0;
  const match = /^u:(\d+)$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw new InvalidInputError('after', 'The cursor is not one this API issued.');
  return Number(match[1]);
}

async function userPage(
  ctx: GraphQLContext,
  args: { first?: number | null; after?: string | null },
  filter: { search?: string | null; active?: boolean | null },
) {
  const limit = args.first ?? 50;
  if (limit < 1 || limit > 50) throw new InvalidInputError('first', 'first must be between 1 and 50.');
  const afterId = afterUserId(args.after);
  const { users, hasMore } = await ctx.services.directory.listUsers({ ...filter, afterId, limit });
  const edges = users.map((node) => ({ node, cursor: userCursor(node.id) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: hasMore,
      hasPreviousPage: afterId > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

builder.queryField('users', (t) =>
  t.connection({
    type: PortalUserRef,
    description: 'Employees of the portal in id order, with their rights.',
    authScopes: { admin: true, auditor: true, integrator: 'users:read' },
    args: { filter: t.arg({ type: UserFilter }) },
    resolve: (_root, args, ctx) =>
      userPage(ctx, args, { search: args.filter?.search, active: args.filter?.active }),
  }),
);

builder.queryField('dismissedUsers', (t) =>
  t.connection({
    type: PortalUserRef,
    description: 'Employees whose portal account is inactive.',
    authScopes: { admin: true, auditor: true, integrator: 'users:read' },
    resolve: (_root, args, ctx) => userPage(ctx, args, { active: false }),
  }),
);

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** `Me` is defined with the tokens (identity.schema.ts); by name here, beside the portal user it points to. */
const MeByName = 'Me' as unknown as ObjectRef<Types, { userId: number | null }>;

builder.objectField(MeByName, 'user', (t) =>
  t.field({
    type: PortalUserRef,
    nullable: true,
    description: 'You, as the portal knows you (name, e-mail); null for integrator tokens.',
    authScopes: { authenticated: true },
    resolve: (me, _args, { services }) => (me.userId === null ? null : services.directory.getUser(me.userId)),
  }),
);
