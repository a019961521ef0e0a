import { builder } from '../../builder.ts';
import { InvalidInputError } from '../../errors.ts';
import { sessionRefOf } from '../impersonation/session-keys.ts';
import { CONTENT_ENTITY_TYPES, ContentVersion, VERSION_SOURCES } from './content-version.entity.ts';
import {
  type ContentRef,
  type EditSummary,
  MAX_SUMMARY_REFS,
  type VersionWithDiff,
} from './edit-history.service.ts';
import type { DiffPart } from './word-diff.ts';

const ContentEntityTypeEnum = builder.enumType('ContentEntityType', { values: CONTENT_ENTITY_TYPES });
const VersionSourceEnum = builder.enumType('VersionSource', {
  values: Object.fromEntries(
    VERSION_SOURCES.map((source) => [source.toUpperCase().replace('-', '_'), { value: source }]),
  ) as Record<string, { value: (typeof VERSION_SOURCES)[number] }>,
});
const DiffPartKindEnum = builder.enumType('DiffPartKind', {
  values: ['ADDED', 'REMOVED', 'UNCHANGED'] as const,
});

const DiffPartRef = builder.objectRef<DiffPart>('DiffPart').implement({
  description: 'A run of text in a word diff. Untrusted portal text: render it as text, never as HTML.',
  fields: (t) => ({
    kind: t.field({ type: DiffPartKindEnum, resolve: (p) => p.kind }),
    text: t.exposeString('text'),
  }),
});

const ContentVersionRef = builder.objectType(ContentVersion, {
  name: 'ContentVersion',
  fields: (t) => ({
    id: t.exposeID('id'),
    entityType: t.field({ type: ContentEntityTypeEnum, resolve: (v) => v.entityType }),
    entityId: t.exposeString('entityId'),
    version: t.exposeInt('version'),
    text: t.exposeString('text', { description: 'Untrusted portal text: render as text, never as HTML.' }),
    deleted: t.exposeBoolean('deleted'),
    editedAt: t.expose('editedAt', { type: 'DateTime' }),
    editor: t.exposeInt('editor', {
      nullable: true,
      description: 'Portal user id of who made this version (the portal event’s user); null when unknown.',
    }),
    witnessedBy: t.exposeInt('witnessedBy', {
      nullable: true,
      description:
        'Portal user id of who saw this text in a page and reported it; the portal confirmed the text before it became a version.',
    }),
    sessionRef: t.string({
      nullable: true,
      description:
        'A keyed identifier of the Bitrix24 session the edit was seen in, when known: the same as `sessionRef` of audit events and impersonation sessions; never the session key itself.',
      resolve: (v, _args, ctx) => sessionRefOf(ctx.services.secret, v.sessionKey ?? null),
    }),
    source: t.field({ type: VersionSourceEnum, resolve: (v) => v.source }),
  }),
});

const VersionWithDiffRef = builder.objectRef<VersionWithDiff>('ContentVersionWithDiff').implement({
  fields: (t) => ({
    version: t.field({ type: ContentVersionRef, resolve: (v) => v.version }),
    diff: t.field({
      type: [DiffPartRef],
      description: 'Word diff against the previous version (the first version: its whole text, ADDED).',
      resolve: (v) => v.diff,
    }),
  }),
});

const EditHistoryRef = builder
  .objectRef<{ ref: ContentRef; versions: VersionWithDiff[] }>('EditHistory')
  .implement({
    fields: (t) => ({
      entityType: t.field({ type: ContentEntityTypeEnum, resolve: (h) => h.ref.entityType }),
      entityId: t.string({ resolve: (h) => h.ref.entityId }),
      versions: t.field({
        type: [VersionWithDiffRef],
        description: 'Oldest first.',
        resolve: (h) => h.versions,
      }),
    }),
  });

const EditSummaryRef = builder.objectRef<EditSummary>('EditSummary').implement({
  fields: (t) => ({
    entityType: t.field({ type: ContentEntityTypeEnum, resolve: (s) => s.entityType }),
    entityId: t.exposeString('entityId'),
    versionCount: t.exposeInt('versionCount'),
    editCount: t.exposeInt('editCount'),
    lastEditedAt: t.expose('lastEditedAt', { type: 'DateTime', nullable: true }),
    lastEditor: t.exposeInt('lastEditor', { nullable: true }),
    deleted: t.exposeBoolean('deleted'),
    editedWhileImpersonating: t.exposeBoolean('editedWhileImpersonating', {
      description: 'Some version was written in an administrator\'s "log in as" session.',
    }),
  }),
});

const EditSummariesRef = builder.objectRef<{ items: EditSummary[] }>('EditSummaries').implement({
  fields: (t) => ({
    items: t.field({ type: [EditSummaryRef], description: 'In the order asked.', resolve: (s) => s.items }),
  }),
});

const ContentRefInput = builder.inputType('ContentRefInput', {
  fields: (t) => ({
    entityType: t.field({ type: ContentEntityTypeEnum, required: true }),
    entityId: t.string({ required: true, description: 'The portal id.' }),
  }),
});

const auditReaders = { admin: true, auditor: true, integrator: 'audit:read' } as const;

builder.queryField('editHistory', (t) =>
  t.field({
    type: EditHistoryRef,
    description: 'Every version of a post, comment, chat message or task comment, with word diffs.',
    errors: { types: [InvalidInputError] },
    authScopes: auditReaders,
    args: {
      entityType: t.arg({ type: ContentEntityTypeEnum, required: true }),
      entityId: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, { em, services }) => {
      const ref = { entityType: args.entityType, entityId: args.entityId };
      return { ref, versions: await services.edits.history(em, ref) };
    },
  }),
);

builder.queryField('editSummaries', (t) =>
  t.field({
    type: EditSummariesRef,
    description: `Version counts and last edits of up to ${MAX_SUMMARY_REFS} items in one request.`,
    errors: { types: [InvalidInputError] },
    authScopes: auditReaders,
    args: { refs: t.arg({ type: [ContentRefInput], required: true }) },
    resolve: async (_root, { refs }, { em, services }) => ({
      items: await services.edits.summaries(em, refs),
    }),
  }),
);
