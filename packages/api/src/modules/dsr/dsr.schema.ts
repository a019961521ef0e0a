import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import type { GraphQLContext } from '../../context.ts';
import {
  DomainError,
  InvalidInputError,
  NotFoundError,
  PolicyRefusedError,
  PortalUnavailableError,
} from '../../errors.ts';
import { afterFilter, pageSize, toPage } from '../../schema/keyset.ts';
import { PortalUserRef } from '../rights/rights.schema.ts';
import {
  DataSubjectRequest,
  OPEN_STATUSES,
  REQUEST_SOURCES,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  type RequestProgress,
} from './data-subject-request.entity.ts';
import type { publicPreview } from './erasure.service.ts';
import type { RequestOrigin } from './request.service.ts';
import { watchRequest } from './request-progress.ts';

const RequestTypeEnum = builder.enumType('RequestType', { values: REQUEST_TYPES });
const STATUS_DESCRIPTIONS: Partial<Record<(typeof REQUEST_STATUSES)[number], string>> = {
  COMPLETED:
    'Finished. For an erasure: its verification sweep found nothing of the subject left on the portal except what the result lists as kept, each with its reason.',
  COMPLETED_WITH_EXCEPTIONS:
    "An erasure ran to its end, but its verification sweep found the subject's data still on the portal that the result does not list as kept: `result.verification.leftOver` names each item (category, portal id, label).",
};
const RequestStatusEnum = builder.enumType('RequestStatus', {
  values: Object.fromEntries(
    REQUEST_STATUSES.map((status) => [status, { description: STATUS_DESCRIPTIONS[status] }]),
  ) as Record<(typeof REQUEST_STATUSES)[number], { description?: string }>,
});
const RequestSourceEnum = builder.enumType('RequestSource', { values: REQUEST_SOURCES });

const ProgressRef = builder.objectRef<RequestProgress>('RequestProgress').implement({
  fields: (t) => ({
    step: t.exposeString('step'),
    done: t.exposeInt('done'),
    total: t.exposeInt('total', { nullable: true }),
  }),
});

const DownloadRef = builder.objectRef<{ url: string; expiresAt: Date }>('ExportDownload').implement({
  description: 'The archive, for the subject or the requester: send your bearer token with the request.',
  fields: (t) => ({ url: t.exposeString('url'), expiresAt: t.expose('expiresAt', { type: 'DateTime' }) }),
});

export const DataSubjectRequestRef = builder.objectType(DataSubjectRequest, {
  name: 'DataSubjectRequest',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.field({ type: RequestTypeEnum, resolve: (r) => r.type }),
    status: t.field({ type: RequestStatusEnum, resolve: (r) => r.status }),
    source: t.field({ type: RequestSourceEnum, resolve: (r) => r.source }),
    subjectUserId: t.exposeInt('subjectUserId', {
      nullable: true,
      description: 'Null once the subject was erased or anonymised.',
    }),
    subjectPseudonym: t.exposeString('subjectPseudonym', { nullable: true }),
    requesterUserId: t.exposeInt('requesterUserId', { nullable: true }),
    receivedAt: t.expose('createdAt', { type: 'DateTime' }),
    dueAt: t.expose('dueAt', { type: 'DateTime', description: 'Received plus one month (GDPR Art. 12(3)).' }),
    daysLeft: t.int({
      description: 'Whole days until the deadline (negative when overdue).',
      resolve: (r) => Math.floor((r.dueAt.getTime() - Date.now()) / 86_400_000),
    }),
    progress: t.field({ type: ProgressRef, resolve: (r) => r.progress }),
    error: t.exposeString('error', { nullable: true }),
    result: t.expose('result', { type: 'JSON', nullable: true }),
    acceptedUnder: t.expose('acceptedUnder', {
      type: 'JSON',
      description: 'The settings and policy decision it was accepted under.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    download: t.field({
      type: DownloadRef,
      nullable: true,
      resolve: (r, _args, ctx) => {
        const mine =
          ctx.principal.kind === 'user' &&
          [r.subjectUserId, r.requesterUserId].includes(ctx.principal.userId);
        return mine ? ctx.services.exports.download(r) : null;
      },
    }),
  }),
});

builder.objectField(PortalUserRef, 'lastRequest', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    nullable: true,
    authScopes: { admin: true, auditor: true, integrator: 'requests:read' },
    resolve: (user, _args, { em }) =>
      em.findOne(DataSubjectRequest, { subjectUserId: user.id }, { orderBy: { createdAt: 'desc' } }),
  }),
);

builder.mutationField('requestDataExport', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    description:
      'Starts an export (Art. 15 and 20). A second request while one is open returns the open one.',
    errors: { types: [PolicyRefusedError, NotFoundError, InvalidInputError] },
    authScopes: { authenticated: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: (_root, { userId }, { em, services, principal, request }) =>
      services.requests.request(em, principal, 'EXPORT', userId, originOf(request)),
  }),
);

builder.mutationField('requestAnonymisation', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    errors: { types: [PolicyRefusedError, NotFoundError, InvalidInputError] },
    authScopes: { authenticated: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: (_root, { userId }, { em, services, principal, request }) =>
      services.requests.request(em, principal, 'ANONYMISE', userId, originOf(request)),
  }),
);

const ErasureCategoryRef = builder
  .objectRef<{ category: string; toDelete: number; kept: number }>('ErasureCategory')
  .implement({
    fields: (t) => ({
      category: t.exposeString('category'),
      toDelete: t.exposeInt('toDelete'),
      kept: t.exposeInt('kept'),
    }),
  });

const KeptItemRef = builder
  .objectRef<{ category: string; portalId: string | null; label: string; reason: string }>('KeptItem')
  .implement({
    description: 'Something the erasure will not delete, and why.',
    fields: (t) => ({
      category: t.exposeString('category'),
      portalId: t.exposeString('portalId', { nullable: true }),
      label: t.exposeString('label'),
      reason: t.exposeString('reason'),
    }),
  });

const UnavailableCategoryRef = builder
  .objectRef<{ category: string; code: string; reason: string }>('UnavailableCategory')
  .implement({
    description:
      "A category the erasure cannot read, and so cannot erase, in full, and why (e.g. no usable token of the subject's own).",
    fields: (t) => ({
      category: t.exposeString('category'),
      code: t.exposeString('code', { description: '`NO_SUBJECT_CREDENTIALS` or `SUBJECT_TOKEN_DEAD`.' }),
      reason: t.exposeString('reason'),
    }),
  });

const ErasurePreviewRef = builder
  .objectRef<{
    request: DataSubjectRequest;
    token: string | null;
    preview: ReturnType<typeof publicPreview>;
  }>('ErasurePreview')
  .implement({
    fields: (t) => ({
      request: t.field({ type: DataSubjectRequestRef, resolve: (p) => p.request }),
      token: t.exposeString('token', {
        nullable: true,
        description:
          'Pass to eraseUser to confirm exactly this plan. Null when the erasure is already confirmed.',
      }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.preview.expiresAt }),
      categories: t.field({ type: [ErasureCategoryRef], resolve: (p) => p.preview.categories }),
      kept: t.field({ type: [KeptItemRef], resolve: (p) => p.preview.kept }),
      notes: t.stringList({ resolve: (p) => p.preview.notes }),
      unavailable: t.field({
        type: [UnavailableCategoryRef],
        description:
          "Categories that cannot be read or erased in full, with the reason: empty when the subject's own credentials are usable.",
        resolve: (p) => p.preview.unavailable,
      }),
      digest: t.string({ resolve: (p) => p.preview.digest }),
    }),
  });

builder.mutationField('previewErasure', (t) =>
  t.field({
    type: ErasurePreviewRef,
    description:
      'What erasing this user would delete, and what it would keep and why. Nothing is changed. ' +
      'PortalUnavailableError when the portal cannot be read in full: a preview never leaves anything out silently.',
    errors: { types: [PolicyRefusedError, NotFoundError, InvalidInputError, PortalUnavailableError] },
    authScopes: { authenticated: true },
    args: { userId: t.arg.int({ required: true }) },
    resolve: (_root, { userId }, { em, services, principal, request }) =>
      services.erasure.preview(em, principal, userId, originOf(request)),
  }),
);

builder.mutationField('eraseUser', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    description:
      'Confirms the erasure shown by previewErasure; the token binds it to that plan (a digest of the item ids per category). ' +
      'The run collects the plan again before deleting anything and erases what exists then: items written since the preview are erased too ' +
      '(or kept by the same rules) and listed in `result.addedSincePreview`; items gone since are skipped (`result.skippedSincePreview`), not errors. ' +
      'It ends with a verification sweep of the portal (`result.verification`: per category found, kept, left over): the request is COMPLETED only ' +
      'when nothing of the subject is left but what the result lists as kept with its reason, otherwise COMPLETED_WITH_EXCEPTIONS.',
    errors: { types: [PolicyRefusedError, NotFoundError, InvalidInputError] },
    authScopes: { authenticated: true },
    args: { userId: t.arg.int({ required: true }), previewToken: t.arg.string({ required: true }) },
    resolve: (_root, { userId, previewToken }, { em, services, principal, request }) =>
      services.erasure.confirm(em, principal, userId, previewToken, originOf(request)),
  }),
);

/** Plain data: graphql-js treats an Error instance returned as a value as a thrown error. */
const RefusalRef = builder
  .objectRef<{ kind: string; message: string; rule: string | null }>('Refusal')
  .implement({
    description: 'Why one item of a bulk action was not done.',
    fields: (t) => ({
      kind: t.exposeString('kind', {
        description: 'The error type, as in single actions (PolicyRefusedError, NotFoundError, …).',
      }),
      message: t.exposeString('message'),
      rule: t.exposeString('rule', { nullable: true }),
    }),
  });

const BulkOutcomeRef = builder
  .objectRef<{ userId: number; request: DataSubjectRequest | null; error: DomainError | null }>(
    'BulkRequestOutcome',
  )
  .implement({
    description: 'One user of a bulk action: the request started (or already open), or why not.',
    fields: (t) => ({
      userId: t.exposeInt('userId'),
      request: t.field({ type: DataSubjectRequestRef, nullable: true, resolve: (o) => o.request }),
      refusal: t.field({
        type: RefusalRef,
        nullable: true,
        resolve: ({ error }) =>
          error && {
            kind: error.name,
            message: error.message,
            rule: error instanceof PolicyRefusedError ? error.rule : null,
          },
      }),
    }),
  });

const MAX_BULK = 200;

builder.mutationField('requestAnonymisations', (t) =>
  t.field({
    type: [BulkOutcomeRef],
    description: `Anonymises many users at once (e.g. dismissed employees), one request each; at most ${MAX_BULK}.`,
    errors: { types: [InvalidInputError] },
    authScopes: { admin: true, integrator: 'requests:write' },
    args: { userIds: t.arg.intList({ required: true }) },
    resolve: async (_root, { userIds }, { em, services, principal, request }) => {
      const ids = [...new Set(userIds)];
      if (ids.length === 0 || ids.length > MAX_BULK) {
        throw new InvalidInputError('userIds', `Name between 1 and ${MAX_BULK} users.`);
      }
      const outcomes = [];
      for (const userId of ids) {
        try {
          const started = await services.requests.request(
            em.fork(),
            principal,
            'ANONYMISE',
            userId,
            originOf(request),
          );
          outcomes.push({ userId, request: started, error: null });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          outcomes.push({ userId, request: null, error });
        }
      }
      return outcomes;
    },
  }),
);

builder.mutationField('cancelRequest', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    description:
      'Cancels an open request: its subject or requester, administrators and requests:write integrators. Auditors see every request but may not cancel others’ (PolicyRefusedError AUDITOR_READ_ONLY).',
    errors: { types: [PolicyRefusedError, NotFoundError, InvalidInputError] },
    authScopes: { employee: true, integrator: 'requests:write' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { em, services, principal, request }) =>
      services.requests.cancel(em, principal, String(id), originOf(request)),
  }),
);

builder.mutationField('retryRequest', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    description: 'Runs a failed request again from where it stopped.',
    errors: { types: [NotFoundError, InvalidInputError] },
    authScopes: { admin: true, integrator: 'requests:write' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { em, services, principal, request }) =>
      services.requests.retry(em, principal, String(id), originOf(request)),
  }),
);

builder.queryField('dataSubjectRequest', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    errors: { types: [NotFoundError] },
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.requests.visible(ctx.em, ctx.principal, String(id)),
  }),
);

const RequestFilter = builder.inputType('RequestFilter', {
  fields: (t) => ({
    status: t.field({ type: [RequestStatusEnum] }),
    type: t.field({ type: [RequestTypeEnum] }),
    subjectUserId: t.int(),
    open: t.boolean({ description: 'Only requests still pending, awaiting confirmation or running.' }),
  }),
});

builder.queryField('dataSubjectRequests', (t) =>
  t.connection({
    type: DataSubjectRequestRef,
    description:
      'Newest first. Employees see requests about them or made by them; administrators and auditors see all.',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: RequestFilter }) },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first);
      const { principal } = ctx;
      const seesAll =
        (principal.kind === 'user' && (principal.roles.has('ADMIN') || principal.roles.has('AUDITOR'))) ||
        (principal.kind === 'integrator' &&
          (principal.scopes.has('requests:read') || principal.scopes.has('requests:write')));
      const scope = seesAll
        ? {}
        : principal.kind === 'user'
          ? { $or: [{ subjectUserId: principal.userId }, { requesterUserId: principal.userId }] }
          : { id: null };
      const f = args.filter;
      const where = {
        $and: [
          scope,
          f?.status?.length ? { status: { $in: f.status } } : {},
          f?.open ? { status: { $in: [...OPEN_STATUSES] } } : {},
          f?.type?.length ? { type: { $in: f.type } } : {},
          f?.subjectUserId ? { subjectUserId: f.subjectUserId } : {},
          afterFilter(args.after),
        ],
      };
      const rows = await ctx.em.find(DataSubjectRequest, where as never, {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        limit: limit + 1,
      });
      return toPage(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), Boolean(args.after));
    },
  }),
);

builder.subscriptionField('dataSubjectRequestProgress', (t) =>
  t.field({
    type: DataSubjectRequestRef,
    description:
      'The request now and each time its status or progress changes, until it is finished (server-sent events; at most 30 minutes, then subscribe again).',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, { id }, ctx) => {
      // Who may see the request is decided once; afterwards the row is followed even if anonymisation
      // removes the subject's id from it.
      const request = await ctx.services.requests
        .visible(ctx.em.fork(), ctx.principal, String(id))
        .catch((error: unknown) => {
          // A subscription's field has no result union: the refusal is a GraphQL error the client can read.
          if (!(error instanceof NotFoundError)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: 'NOT_FOUND' } });
        });
      return watchRequest(() => ctx.em.fork().findOne(DataSubjectRequest, { id: request.id }));
    },
    resolve: (request) => request,
  }),
);

function originOf(request: GraphQLContext['request']): RequestOrigin {
  return { ip: request.ip, userAgent: request.userAgent };
}
