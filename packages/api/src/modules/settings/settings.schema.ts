import { builder } from '../../builder.ts';
import { InvalidInputError } from '../../errors.ts';
import { actorIdOf, audited } from '../audit/audited.ts';
import type { StoredSettings } from './settings.service.ts';

const RightsPairRef = builder
  .objectRef<{ canAnonymise: boolean; canErase: boolean }>('RightsPair')
  .implement({
    fields: (t) => ({ canAnonymise: t.exposeBoolean('canAnonymise'), canErase: t.exposeBoolean('canErase') }),
  });

const DismissedPolicyRef = builder
  .objectRef<{ enabled: boolean; afterDays: number }>('DismissedPolicy')
  .implement({
    description: 'Automatic anonymisation of dismissed employees, each as an ordinary request.',
    fields: (t) => ({ enabled: t.exposeBoolean('enabled'), afterDays: t.exposeInt('afterDays') }),
  });

const ImpersonationSettingsRef = builder
  .objectRef<{ alertRecipients: number[]; notifyImpersonatedUser: boolean; maxMinutes: number }>(
    'ImpersonationSettings',
  )
  .implement({
    fields: (t) => ({
      alertRecipients: t.exposeIntList('alertRecipients', {
        description: 'Users who get a chat message when an administrator logs in as someone.',
      }),
      notifyImpersonatedUser: t.exposeBoolean('notifyImpersonatedUser'),
      maxMinutes: t.exposeInt('maxMinutes', {
        description: 'A session nobody ends closes itself after this long.',
      }),
    }),
  });

export const SettingsRef = builder.objectRef<StoredSettings>('Settings').implement({
  fields: (t) => ({
    anonymisationEnabled: t.boolean({ resolve: (s) => s.settings.anonymisationEnabled }),
    erasureEnabled: t.boolean({ resolve: (s) => s.settings.erasureEnabled }),
    defaultRights: t.field({ type: RightsPairRef, resolve: (s) => s.settings.defaultRights }),
    exportLinkTtlDays: t.int({ resolve: (s) => s.settings.exportLinkTtlDays }),
    dismissedAutoAnonymise: t.field({
      type: DismissedPolicyRef,
      resolve: (s) => s.settings.dismissedAutoAnonymise,
    }),
    auditRetentionDays: t.int({
      description:
        'Audit events are kept this long; older whole months are purged (the chain stays verifiable).',
      resolve: (s) => s.settings.auditRetentionDays,
    }),
    impersonation: t.field({ type: ImpersonationSettingsRef, resolve: (s) => s.settings.impersonation }),
    version: t.exposeInt('version'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    updatedBy: t.exposeInt('updatedBy', { nullable: true }),
  }),
});

const RightsPairInput = builder.inputType('RightsPairInput', {
  fields: (t) => ({ canAnonymise: t.boolean(), canErase: t.boolean() }),
});
const DismissedPolicyInput = builder.inputType('DismissedPolicyInput', {
  fields: (t) => ({ enabled: t.boolean(), afterDays: t.int() }),
});
const ImpersonationSettingsInput = builder.inputType('ImpersonationSettingsInput', {
  fields: (t) => ({ alertRecipients: t.intList(), notifyImpersonatedUser: t.boolean(), maxMinutes: t.int() }),
});

const SettingsInput = builder.inputType('SettingsInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({
    anonymisationEnabled: t.boolean(),
    erasureEnabled: t.boolean(),
    defaultRights: t.field({ type: RightsPairInput }),
    exportLinkTtlDays: t.int(),
    dismissedAutoAnonymise: t.field({ type: DismissedPolicyInput }),
    auditRetentionDays: t.int(),
    impersonation: t.field({ type: ImpersonationSettingsInput }),
  }),
});

builder.queryField('settings', (t) =>
  t.field({
    type: SettingsRef,
    description:
      'The application settings. Everyone signed in may read them: they decide what the GDPR buttons allow.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, { em, services }) => services.settings.get(em),
  }),
);

builder.mutationField('updateSettings', (t) =>
  t.field({
    type: SettingsRef,
    errors: { types: [InvalidInputError] },
    authScopes: { admin: true },
    args: { input: t.arg({ type: SettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const patch = withoutNulls(input) as Record<string, unknown>;
      return audited(
        ctx,
        (tx) => ctx.services.settings.update(tx, patch, actorIdOf(ctx.principal)),
        (stored) => ({
          action: 'settings.updated',
          target: { type: 'settings', id: 'app' },
          metadata: { version: stored.version, changed: Object.keys(patch) },
        }),
      );
    },
  }),
);

/** GraphQL lets a client send null for "not given"; the settings patch knows only absent keys. */
function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
