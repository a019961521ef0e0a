import { builder } from '../../builder.ts';
import { InvalidInputError } from '../../errors.ts';
import { afterFilter, pageSize, toPage } from '../../schema/keyset.ts';
import { actorIdOf, audited } from '../audit/audited.ts';
import { scheduleWeeklyReports } from './report-jobs.ts';
import type { WeeklyReportSettings } from './report-settings.ts';
import { MAIL_STATUSES, WeeklyReport } from './weekly-report.entity.ts';

const MailStatusEnum = builder.enumType('WeeklyReportMailStatus', {
  description:
    'PENDING: a retry is due; SENDING: an attempt is under way; SENT; FAILED: no attempts left; SKIPPED: SMTP or recipients not configured.',
  values: MAIL_STATUSES,
});

export const WeeklyReportRef = builder.objectType(WeeklyReport, {
  name: 'WeeklyReport',
  description: 'A signed weekly audit log file (ISO week): events, impersonations, edits and digest.json.',
  fields: (t) => ({
    id: t.exposeID('id'),
    week: t.exposeString('week', { description: 'ISO week, e.g. 2026-W47.' }),
    timeZone: t.exposeString('timeZone'),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
    eventCount: t.exposeInt('eventCount'),
    bytes: t.exposeInt('bytes'),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the ZIP file.' }),
    digestHash: t.exposeString('digestHash', { description: 'SHA-256 of its digest.json.' }),
    previousDigestHash: t.exposeString('previousDigestHash', { nullable: true }),
    firstHash: t.exposeString('firstHash', { nullable: true }),
    lastHash: t.exposeString('lastHash', { nullable: true }),
    mailStatus: t.expose('mailStatus', { type: MailStatusEnum }),
    mailAttempts: t.exposeInt('mailAttempts', {
      description: 'Attempts in the current mailing round (bounded by weeklyReportSettings.mailAttempts).',
    }),
    mailedAt: t.expose('mailedAt', { type: 'DateTime', nullable: true, description: 'Last delivery.' }),
    mailError: t.exposeString('mailError', {
      nullable: true,
      description: 'Why the last attempt failed, or why none was made.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    downloadPath: t.string({
      description: 'GET it with a bearer token (auditors and administrators).',
      resolve: (r) => `/audit/reports/${r.id}/download`,
    }),
  }),
});

builder.queryField('weeklyReports', (t) =>
  t.connection({
    type: WeeklyReportRef,
    description: 'The weekly signed log files, newest week first. Auditors and administrators.',
    authScopes: { auditor: true, admin: true },
    errors: { types: [InvalidInputError] },
    resolve: async (_root, args, { em }) => {
      const limit = pageSize(args.first);
      const rows = await em.find(WeeklyReport, afterFilter(args.after, 'periodStart'), {
        orderBy: [{ periodStart: 'desc' }, { id: 'desc' }],
        limit: limit + 1,
      });
      return toPage(rows, limit, (r) => ({ at: r.periodStart, id: r.id }), Boolean(args.after));
    },
  }),
);

const WeeklyReportSettingsRef = builder.objectRef<WeeklyReportSettings>('WeeklyReportSettings').implement({
  description: 'When the weekly file is made (the past ISO week) and who receives it.',
  fields: (t) => ({
    recipients: t.exposeStringList('recipients'),
    dayOfWeek: t.exposeInt('dayOfWeek', { description: 'ISO day: 1 Monday … 7 Sunday.' }),
    time: t.exposeString('time', { description: 'HH:MM, 24-hour, in timeZone.' }),
    timeZone: t.exposeString('timeZone'),
    mailAttempts: t.exposeInt('mailAttempts', {
      description: 'Tries per mailing, the first included, before the file is marked FAILED (1–20).',
    }),
    mailRetrySeconds: t.exposeInt('mailRetrySeconds', {
      description: 'Wait before the first retry; each further one waits about twice as long.',
    }),
  }),
});

const WeeklyReportSettingsInput = builder.inputType('WeeklyReportSettingsInput', {
  description: 'Only the fields given change.',
  fields: (t) => ({
    recipients: t.stringList(),
    dayOfWeek: t.int(),
    time: t.string(),
    timeZone: t.string(),
    mailAttempts: t.int(),
    mailRetrySeconds: t.int(),
  }),
});

builder.queryField('weeklyReportSettings', (t) =>
  t.field({
    type: WeeklyReportSettingsRef,
    authScopes: { auditor: true, admin: true },
    resolve: async (_root, _args, { em, services }) =>
      (await services.settings.get(em)).settings.weeklyReports,
  }),
);

builder.mutationField('updateWeeklyReportSettings', (t) =>
  t.field({
    type: WeeklyReportSettingsRef,
    errors: { types: [InvalidInputError] },
    authScopes: { auditor: true, admin: true },
    args: { input: t.arg({ type: WeeklyReportSettingsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const patch = Object.fromEntries(
        Object.entries(input).filter(([, v]) => v !== null && v !== undefined),
      );
      const stored = await audited(
        ctx,
        (tx) => ctx.services.settings.update(tx, { weeklyReports: patch }, actorIdOf(ctx.principal)),
        (s) => ({
          action: 'settings.updated',
          target: { type: 'settings', id: 'app' },
          metadata: { version: s.version, changed: Object.keys(patch).map((k) => `weeklyReports.${k}`) },
        }),
      );
      await scheduleWeeklyReports(ctx.services.boss, stored.settings.weeklyReports);
      return stored.settings.weeklyReports;
    },
  }),
);
