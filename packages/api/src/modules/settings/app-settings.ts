import { z } from 'zod';
import { weeklyReportSettingsPatchSchema, weeklyReportSettingsSchema } from '../reports/report-settings.ts';

/**
 * Everything an administrator configures, validated as one document. Both master switches are off after
 * install: nothing can be anonymised or erased until an administrator decides it may.
 */
export const appSettingsSchema = z.object({
  anonymisationEnabled: z.boolean().default(false),
  erasureEnabled: z.boolean().default(false),
  /** Rights a user has until an administrator sets theirs. */
  defaultRights: z
    .object({ canAnonymise: z.boolean().default(false), canErase: z.boolean().default(false) })
    .default({ canAnonymise: false, canErase: false }),
  /** How long an export's download link works; the archive is deleted when it expires. */
  exportLinkTtlDays: z.number().int().min(1).max(30).default(7),
  /** Who hears about impersonation: a chat message to each recipient, a notification to the impersonated user. */
  impersonation: z
    .object({
      alertRecipients: z.array(z.number().int().positive()).max(50).default([1]),
      notifyImpersonatedUser: z.boolean().default(true),
      /** A session never reported as ended closes itself after this long. */
      maxMinutes: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 60)
        .default(480),
    })
    .default({ alertRecipients: [1], notifyImpersonatedUser: true, maxMinutes: 480 }),
  /** Anonymise dismissed employees automatically, each as an ordinary request. */
  dismissedAutoAnonymise: z
    .object({ enabled: z.boolean().default(false), afterDays: z.number().int().min(1).max(3650).default(30) })
    .default({ enabled: false, afterDays: 30 }),
  /** Audit events are kept this long; whole months older than this are purged (modules/audit). */
  auditRetentionDays: z.number().int().min(30).max(3650).default(400),
  /** The weekly signed log file: when it is made and who receives it (modules/reports). */
  weeklyReports: weeklyReportSettingsSchema,
});

export type AppSettings = z.infer<typeof appSettingsSchema>;

/** A partial update: nested objects may be given in part too. */
export const appSettingsPatchSchema = z
  .object({
    anonymisationEnabled: z.boolean(),
    erasureEnabled: z.boolean(),
    defaultRights: z.object({ canAnonymise: z.boolean(), canErase: z.boolean() }).partial(),
    exportLinkTtlDays: z.number().int().min(1).max(30),
    dismissedAutoAnonymise: z
      .object({ enabled: z.boolean(), afterDays: z.number().int().min(1).max(3650) })
      .partial(),
    auditRetentionDays: z.number().int().min(30).max(3650),
    impersonation: z
      .object({
        alertRecipients: z.array(z.number().int().positive()).max(50),
        notifyImpersonatedUser: z.boolean(),
        maxMinutes: z
          .number()
          .int()
          .min(5)
          .max(7 * 24 * 60),
      })
      .partial(),
    weeklyReports: weeklyReportSettingsPatchSchema,
  })
  .partial()
  .strict();

export type AppSettingsPatch = z.infer<typeof appSettingsPatchSchema>;

export const DEFAULT_SETTINGS: AppSettings = appSettingsSchema.parse({});

export function applyPatch(current: AppSettings, patch: AppSettingsPatch): AppSettings {
  return appSettingsSchema.parse({
    ...current,
    ...patch,
    defaultRights: { ...current.defaultRights, ...patch.defaultRights },
    dismissedAutoAnonymise: { ...current.dismissedAutoAnonymise, ...patch.dismissedAutoAnonymise },
    impersonation: { ...current.impersonation, ...patch.impersonation },
    weeklyReports: { ...current.weeklyReports, ...patch.weeklyReports },
  });
}
