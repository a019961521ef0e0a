import { builder } from '../../builder.ts';
import type { GraphQLContext } from '../../context.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { afterFilter, pageSize, toPage } from '../../schema/keyset.ts';
import { AuditEventRef } from '../audit/audit.schema.ts';
import { ImpersonationSession, SESSION_END_REASONS } from './impersonation-session.entity.ts';
import { endOf } from './session-end.ts';
import { sessionKeyFor, sessionRefOf } from './session-keys.ts';
import { findVisibleSession, seesAllSessions } from './visibility.ts';

const EndReasonEnum = builder.enumType('SessionEndReason', { values: SESSION_END_REASONS });

// One time-out and one clock per request, so every session of an answer is judged alike.
const clocks = new WeakMap<GraphQLContext, Promise<{ timeoutMs: number; now: Date }>>();
function clockOf(ctx: GraphQLContext): Promise<{ timeoutMs: number; now: Date }> {
  let clock = clocks.get(ctx);
  if (!clock) {
    const now = new Date();
    clock = ctx.services.impersonation.timeoutMs(ctx.em).then((timeoutMs) => ({ timeoutMs, now }));
    clocks.set(ctx, clock);
  }
  return clock;
}
const endOfSession = async (session: ImpersonationSession, ctx: GraphQLContext) => {
  const { timeoutMs, now } = await clockOf(ctx);
  return endOf(session, timeoutMs, now);
};

export const ImpersonationSessionRef = builder.objectType(ImpersonationSession, {
  name: 'ImpersonationSession',
  description:
    'An administrator acting as another user. Audit events with the same session key belong to it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    adminUserId: t.exposeInt('adminUserId', {
      description: '0 once the administrator was erased or anonymised.',
    }),
    impersonatedUserId: t.exposeInt('impersonatedUserId', {
      description: '0 once the employee was erased or anonymised.',
    }),
    adminPseudonym: t.exposeString('adminPseudonym', {
      nullable: true,
      description: "An erased or anonymised administrator's pseudonym, as the audit log names them.",
    }),
    impersonatedPseudonym: t.exposeString('impersonatedPseudonym', {
      nullable: true,
      description: "An erased or anonymised employee's pseudonym, as the audit log names them.",
    }),
    sessionKey: t.string({
      nullable: true,
      description:
        "SHA-256 of the portal session token: shown only to the session's administrator; null for everyone else (it would let them file events as the session's actions).",
      resolve: (s, _args, ctx) => sessionKeyFor(ctx.principal, s.adminUserId, s.sessionKey),
    }),
    sessionRef: t.string({
      description: 'A keyed identifier of the session key: the `sessionRef` of its actions and versions.',
      resolve: (s, _args, ctx) => sessionRefOf(ctx.services.secret, s.sessionKey)!,
    }),
    ip: t.exposeString('ip'),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    source: t.exposeString('source'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    // A session past its time-out reads as timed out at its deadline even before the job records it:
    // reads never write.
    endedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (s, _args, ctx) => (await endOfSession(s, ctx)).endedAt,
    }),
    endReason: t.field({
      type: EndReasonEnum,
      nullable: true,
      resolve: async (s, _args, ctx) => (await endOfSession(s, ctx)).endReason,
    }),
    alertedAt: t.expose('alertedAt', { type: 'DateTime', nullable: true }),
    alertError: t.exposeString('alertError', { nullable: true }),
  }),
});

// Names for people reading a session (the impersonated employee's notice, the console): employees may
// not list users, so the session carries the two names it is about. One portal call per page of sessions.
for (const [field, userIdOf] of [
  ['adminName', (s: ImpersonationSession) => s.adminUserId],
  ['impersonatedName', (s: ImpersonationSession) => s.impersonatedUserId],
] as const) {
  builder.objectField(ImpersonationSessionRef, field, (t) =>
    t.loadable({
      type: 'String',
      nullable: true,
      description: 'Full name as the portal has it now; null when the portal no longer knows the user.',
      load: async (ids: number[], ctx: GraphQLContext) => {
        const users = await ctx.services.directory.getUsers(ids);
        return ids.map((id) => {
          const user = users.get(id);
          return user ? `${user.name} ${user.lastName}`.trim() : null;
        });
      },
      resolve: userIdOf,
    }),
  );
}

builder.objectField(ImpersonationSessionRef, 'actions', (t) =>
  t.connection({
    type: AuditEventRef,
    description:
      "Everything the session's administrator recorded with its session key, newest first (nobody else may file events under it).",
    resolve: (session, args, ctx) =>
      ctx.services.audit.query(
        ctx.em,
        // By the actor too: events filed under the key before these checks existed do not count either.
        { sessionKey: session.sessionKey, actor: session.adminPseudonym ?? String(session.adminUserId) },
        pageSize(args.first),
        args.after,
      ),
  }),
);

async function visible(ctx: GraphQLContext, id: string): Promise<ImpersonationSession> {
  const session = await findVisibleSession(ctx.em, ctx.principal, id);
  if (!session) throw new NotFoundError('ImpersonationSession', id);
  return session;
}

builder.mutationField('startImpersonation', (t) =>
  t.field({
    type: ImpersonationSessionRef,
    description:
      'Reports that the calling administrator now acts as another user (the extension calls this).',
    errors: { types: [InvalidInputError, NotFoundError] },
    // Only administrators impersonate; the portal is asked, so a revoked administrator cannot start one.
    authScopes: { admin: true },
    args: {
      impersonatedUserId: t.arg.int({ required: true }),
      sessionKey: t.arg.string({ required: true }),
      reason: t.arg.string(),
    },
    resolve: (_root, args, { em, services, principal, request }) =>
      services.impersonation.start(em, {
        adminUserId: principal.kind === 'user' ? principal.userId : 0,
        impersonatedUserId: args.impersonatedUserId,
        sessionKey: args.sessionKey,
        reason: args.reason ?? null,
        ip: request.ip,
        userAgent: request.userAgent,
        source: request.userAgent?.includes('b24-gdpr-extension') ? 'extension' : 'api',
      }),
  }),
);

builder.mutationField('endImpersonation', (t) =>
  t.field({
    type: ImpersonationSessionRef,
    description:
      'Ends a session. Always allowed to its administrator (even one whose rights were revoked) and to administrators.',
    errors: { types: [NotFoundError] },
    authScopes: { employee: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const session = await visible(ctx, String(id));
      const p = ctx.principal;
      const allowed = p.kind === 'user' && (session.adminUserId === p.userId || p.roles.has('ADMIN'));
      if (!allowed) throw new NotFoundError('ImpersonationSession', String(id));
      return ctx.services.impersonation.end(ctx.em, session.id);
    },
  }),
);

builder.queryField('impersonationSession', (t) =>
  t.field({
    type: ImpersonationSessionRef,
    errors: { types: [NotFoundError] },
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => visible(ctx, String(id)),
  }),
);

const SessionFilter = builder.inputType('ImpersonationSessionFilter', {
  fields: (t) => ({
    adminUserId: t.int(),
    impersonatedUserId: t.int(),
    open: t.boolean({ description: 'Only sessions not ended yet (nor past their time-out).' }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('impersonationSessions', (t) =>
  t.connection({
    type: ImpersonationSessionRef,
    description:
      'Newest first. Employees see the sessions in which they were impersonated; auditors and administrators see all.',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: SessionFilter }) },
    resolve: async (_root, args, ctx) => {
      const { timeoutMs, now } = await clockOf(ctx);
      const limit = pageSize(args.first);
      const f = args.filter;
      const p = ctx.principal;
      const scope = seesAllSessions(p)
        ? {}
        : p.kind === 'user'
          ? { impersonatedUserId: p.userId }
          : { id: null };
      const where = {
        $and: [
          scope,
          f?.adminUserId ? { adminUserId: f.adminUserId } : {},
          f?.impersonatedUserId ? { impersonatedUserId: f.impersonatedUserId } : {},
          f?.open ? { endedAt: null, startedAt: { $gt: new Date(now.getTime() - timeoutMs) } } : {},
          f?.from ? { startedAt: { $gte: f.from } } : {},
          f?.to ? { startedAt: { $lt: f.to } } : {},
          afterFilter(args.after, 'startedAt'),
        ],
      };
      const rows = await ctx.em.find(ImpersonationSession, where as never, {
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        limit: limit + 1,
      });
      return toPage(rows, limit, (s) => ({ at: s.startedAt, id: s.id }), Boolean(args.after));
    },
  }),
);
