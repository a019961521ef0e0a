import { builder } from '../../builder.ts';
import type { GraphQLContext } from '../../context.ts';
import { InvalidInputError, ReservedActionError } from '../../errors.ts';
import { pageSize } from '../../schema/keyset.ts';
import { givenHeads } from '../audit-publish/audit-publishing.ts';
import { recordEventsWithEdits } from '../edits/extension-edits.ts';
import { sessionKeyFor, sessionRefOf } from '../impersonation/session-keys.ts';
import { AUDIT_SOURCES } from './audit-event.entity.ts';
import type { AuditEventInput } from './audit-event-input.ts';
import { MAX_EVENTS_PER_CALL } from './audit-ingest.ts';
import type { AuditFilter } from './audit-query.ts';
import type { AuditRecord } from './audit-record.ts';
import { headOfInput, TreeHeadInput, TreeHeadRef } from './audit-tree-head.schema.ts';
import type { AuditProblem, AuditVerification } from './audit-verify.ts';
import { userMayRecord } from './record-policy.ts';

const AuditSourceEnum = builder.enumType('AuditSource', {
  values: Object.fromEntries(AUDIT_SOURCES.map((s) => [s.replace('-', '_').toUpperCase(), { value: s }])),
});

export const AuditEventRef = builder.objectRef<AuditRecord>('AuditEvent').implement({
  description: 'One entry of the tamper-evident audit log.',
  fields: (t) => ({
    id: t.exposeID('id'),
    seq: t.string({ description: 'Position in the hash chain.', resolve: (e) => String(e.seq) }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    actor: t.exposeString('actor', {
      nullable: true,
      description: 'Portal user id, `anon:…` once the user was erased, or null for the system.',
    }),
    onBehalfOf: t.exposeString('onBehalfOf', {
      nullable: true,
      description: 'The user the actor acted as (impersonation).',
    }),
    sessionKey: t.string({
      nullable: true,
      description:
        "SHA-256 of the portal session: shown only to the event's actor (it is their own session); null for everyone else.",
      resolve: (e, _args, ctx) => sessionKeyFor(ctx.principal, e.actor, e.sessionKey),
    }),
    sessionRef: t.string({
      nullable: true,
      description:
        'A keyed identifier of the portal session, for everyone who may read the event: events, versions and impersonation sessions of one session share it.',
      resolve: (e, _args, ctx) => sessionRefOf(ctx.services.secret, e.sessionKey),
    }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    action: t.exposeString('action'),
    targetType: t.exposeString('targetType', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    source: t.field({ type: AuditSourceEnum, resolve: (e) => e.source }),
    pseudonymised: t.boolean({ resolve: (e) => e.sealed !== null }),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
  }),
});

const AuditEventFilterInput = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    actor: t.string({ description: 'Portal user id or `anon:…` pseudonym.' }),
    onBehalfOf: t.string(),
    subject: t.string({ description: 'Events where this user is the actor, on-behalf-of or target.' }),
    actionPrefix: t.string({ description: '`message` matches message.edited, message.deleted, …' }),
    sessionKey: t.string(),
    targetType: t.string(),
    targetId: t.string(),
    ip: t.string(),
    occurredFrom: t.field({ type: 'DateTime' }),
    occurredTo: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

type FilterArg = typeof AuditEventFilterInput.$inferInput | null | undefined;

/**
 * Auditors, administrators and `audit:read` integrators read every event; an employee only the events
 * they are a subject of, whatever filter they send.
 */
export function scopedFilter(ctx: Pick<GraphQLContext, 'principal'>, filter: FilterArg): AuditFilter {
  const { principal } = ctx;
  const base: AuditFilter = { ...filter };
  const seesAll =
    (principal.kind === 'user' && (principal.roles.has('ADMIN') || principal.roles.has('AUDITOR'))) ||
    (principal.kind === 'integrator' && principal.scopes.has('audit:read'));
  if (seesAll) return base;
  if (principal.kind !== 'user') throw new Error('unreachable: scope-auth admits only these callers');
  if (base.subject != null && base.subject !== String(principal.userId)) {
    throw new InvalidInputError('filter.subject', 'You can only read events about yourself.');
  }
  return { ...base, subject: String(principal.userId) };
}

builder.queryField('auditEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description:
      'Newest first (occurred-at, then id). Auditors and administrators read everything; employees the events about them.',
    authScopes: { employee: true, auditor: true, admin: true, integrator: 'audit:read' },
    errors: { types: [InvalidInputError] },
    args: { filter: t.arg({ type: AuditEventFilterInput }) },
    resolve: (_root, args, ctx) =>
      ctx.services.audit.query(ctx.em, scopedFilter(ctx, args.filter), pageSize(args.first), args.after),
  }),
);

const ProblemKindEnum = builder.enumType('AuditProblemKind', {
  values: [
    'CHANGED',
    'REMOVED',
    'REORDERED',
    'ADDED',
    'TRUNCATED',
    'INCONSISTENT',
    'FORGED_CHECKPOINT',
    'BAD_HEAD',
    'PUBLICATION_ALTERED',
  ] as const,
});

const ProblemRef = builder.objectRef<AuditProblem>('AuditProblem').implement({
  fields: (t) => ({
    kind: t.field({ type: ProblemKindEnum, resolve: (p) => p.kind }),
    seq: t.string({ resolve: (p) => String(p.seq) }),
    eventId: t.exposeID('eventId', { nullable: true, description: 'Null when the event is missing.' }),
    message: t.exposeString('message'),
    head: t.field({
      type: TreeHeadRef,
      nullable: true,
      description: 'The signed tree head that exposes the problem, when one does.',
      resolve: (p) => p.head,
    }),
    publishedIn: t.stringList({
      description:
        'Where that head was published (portal chat message, witness receipt, weekly file, given), or the altered publication.',
      resolve: (p) => p.publishedIn ?? [],
    }),
  }),
});

const PublishedCountRef = builder
  .objectRef<{ channel: string; heads: number }>('AuditPublishedHeads')
  .implement({
    fields: (t) => ({
      channel: t.exposeString('channel', { description: 'portal-chat, witness, weekly-file or given.' }),
      heads: t.exposeInt('heads'),
    }),
  });

const VerificationRef = builder.objectRef<AuditVerification>('AuditVerification').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    checked: t.exposeInt('checked', { description: 'Events verified before the first problem.' }),
    fromSeq: t.string({ nullable: true, resolve: (v) => (v.fromSeq === null ? null : String(v.fromSeq)) }),
    toSeq: t.string({ nullable: true, resolve: (v) => (v.toSeq === null ? null : String(v.toSeq)) }),
    fromCheckpoint: t.exposeBoolean('fromCheckpoint', {
      description: 'Started from the retention checkpoint (older events were purged).',
    }),
    treeSize: t.string({ resolve: (v) => String(v.treeSize), description: "The log's size (its head row)." }),
    heads: t.exposeInt('heads', { description: 'Signed tree heads the tree was checked against.' }),
    published: t.field({
      type: [PublishedCountRef],
      description: 'Heads read back from each channel they were published to, and checked.',
      resolve: (v) => v.published ?? [],
    }),
    unreachable: t.stringList({
      description: 'Channels that could not be read, each with why.',
      resolve: (v) => v.unreachable ?? [],
    }),
    selfCheckedOnly: t.boolean({
      description:
        'True when the log has events but no head published outside the database (portal chat, witness, weekly file, given) could be read: it was checked only against itself, which whoever holds the database can make pass, so `ok` proves little. False for a range (`from`, `to`), which checks no heads.',
      resolve: (v) => v.selfCheckedOnly ?? false,
    }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (v) => v.problem }),
  }),
});

builder.queryField('verifyAuditLog', (t) =>
  t.field({
    type: VerificationRef,
    description:
      'Walks the hash chain (events received in [from, to)) and names the first broken event; for the whole log, also recomputes the Merkle tree and proves it consistent with every signed head the log issued, every head published outside the database it can read back (the portal chat, witnesses) and those given in `heads`.',
    authScopes: { auditor: true, admin: true },
    args: {
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      heads: t.arg({ type: [TreeHeadInput] }),
    },
    resolve: (_root, { from, to, heads }, { em, services }) =>
      services.publishing.verify(em, { from, to, given: givenHeads((heads ?? []).map(headOfInput)) }),
  }),
);

const AuditEventInputRef = builder.inputType('AuditEventInput', {
  fields: (t) => ({
    idempotencyKey: t.string({ required: true, description: 'Retries with the same key are stored once.' }),
    action: t.string({ required: true, description: 'A dotted name such as message.edited.' }),
    occurredAt: t.field({ type: 'DateTime', required: true }),
    actorId: t.int({ description: 'Integrators only; for users it is always themselves.' }),
    onBehalfOfId: t.int({ description: 'The user the actor acted as (impersonation).' }),
    sessionToken: t.string({
      description: 'The portal session token (bitrix_sessid); only its hash is kept.',
    }),
    sessionKey: t.string({ description: 'Or its SHA-256 in hex.' }),
    ip: t.string({ description: 'Integrators only; for users, the request address.' }),
    userAgent: t.string({ description: 'Integrators only; for users, the request header.' }),
    targetType: t.string(),
    targetId: t.string(),
    metadata: t.field({
      type: 'JSON',
      description:
        'An object of at most 4 KB besides `text`. For post/comment/message.edited, `text` (a string of at most 64 KB) is the text the page shows: it is stored as a version in the edit history and the event keeps only its SHA-256 (`textHash`).',
    }),
    source: t.field({ type: AuditSourceEnum }),
  }),
});

const RecordOutcomeRef = builder
  .objectRef<{ stored: number; duplicates: number }>('RecordEventsResult')
  .implement({
    fields: (t) => ({
      stored: t.exposeInt('stored'),
      duplicates: t.exposeInt('duplicates', { description: 'Events whose idempotency key was seen before.' }),
    }),
  });

builder.mutationField('recordEvents', (t) =>
  t.field({
    type: RecordOutcomeRef,
    description: `Records up to ${MAX_EVENTS_PER_CALL} audit events: users the edits and deletions of posts, comments and messages their extension saw (post.edited, post.deleted, comment.*, message.*), integrators with audit:write any action. Events with a text also store a version in the edit history.`,
    errors: { types: [InvalidInputError, ReservedActionError] },
    // A user's batch is refused as a whole when one of its actions is not theirs to report.
    authScopes: (_root, { events }) =>
      userMayRecord(events.map((e) => e.action))
        ? { employee: true, integrator: 'audit:write' }
        : { integrator: 'audit:write' },
    args: { events: t.arg({ type: [AuditEventInputRef], required: true }) },
    resolve: (_root, { events }, { em, services, principal, request }) =>
      recordEventsWithEdits(services, em, principal, request, events as AuditEventInput[]),
  }),
);
