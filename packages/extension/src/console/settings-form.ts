import { MAIL_ATTEMPTS, MAIL_RETRY_SECONDS } from '@b24-gdpr/shared';
import type {
  SettingsFieldsFragment,
  SettingsInput,
  WeeklyReportSettingsFieldsFragment,
  WeeklyReportSettingsInput,
} from '@b24-gdpr/shared/graphql';

/**
 * The settings tab's form: text inputs hold text, so a half-typed number is not lost. Errors are
 * keyed by the API's field path (`dismissedAutoAnonymise.afterDays`), so the API's own
 * `InvalidInputError.field` lands next to the same input as the checks made here.
 */
export interface SettingsForm {
  anonymisationEnabled: boolean;
  erasureEnabled: boolean;
  defaultCanAnonymise: boolean;
  defaultCanErase: boolean;
  /** Portal user ids, separated by commas or spaces. */
  alertRecipients: string;
  notifyImpersonatedUser: boolean;
  autoAnonymiseEnabled: boolean;
  autoAnonymiseAfterDays: string;
}

export interface WeeklyForm {
  /** ISO day of the week, 1 (Monday) to 7. */
  dayOfWeek: string;
  /** HH:MM. */
  time: string;
  timeZone: string;
  /** E-mail addresses, separated by commas, spaces or new lines. */
  recipients: string;
  /** Tries per mailing, the first included, before the file is marked FAILED. */
  mailAttempts: string;
  /** Seconds before the first retry; each further one waits about twice as long. */
  mailRetrySeconds: string;
}

/** Field path → an i18n key of the message to show there. */
export type FieldErrors = Record<string, string>;

export function settingsForm(s: SettingsFieldsFragment): SettingsForm {
  return {
    anonymisationEnabled: s.anonymisationEnabled,
    erasureEnabled: s.erasureEnabled,
    defaultCanAnonymise: s.defaultRights.canAnonymise,
    defaultCanErase: s.defaultRights.canErase,
    alertRecipients: s.impersonation.alertRecipients.join(', '),
    notifyImpersonatedUser: s.impersonation.notifyImpersonatedUser,
    autoAnonymiseEnabled: s.dismissedAutoAnonymise.enabled,
    autoAnonymiseAfterDays: String(s.dismissedAutoAnonymise.afterDays),
  };
}

export function weeklyForm(w: WeeklyReportSettingsFieldsFragment): WeeklyForm {
  return {
    dayOfWeek: String(w.dayOfWeek),
    time: w.time,
    timeZone: w.timeZone,
    recipients: w.recipients.join(', '),
    mailAttempts: String(w.mailAttempts),
    mailRetrySeconds: String(w.mailRetrySeconds),
  };
}

const splitList = (text: string): string[] => text.split(/[\s,;]+/).filter(Boolean);

/** A whole number within the limits, or null (blank, a fraction, out of range). */
export function parseWholeNumber(text: string, limits: { min: number; max: number }): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= limits.min && value <= limits.max ? value : null;
}

/** Parsed user ids, or null when one of them is not a positive whole number. */
export function parseUserIds(text: string): number[] | null {
  const ids = splitList(text).map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  return ids.every((id) => Number.isSafeInteger(id) && id > 0) ? [...new Set(ids)] : null;
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * Only what changed, as the API's patch (`updateSettings` changes only the fields given), so a
 * save does not write back values someone else changed since the page loaded. Null input: nothing to save.
 */
export function settingsPatch(
  form: SettingsForm,
  saved: SettingsFieldsFragment,
): { input: SettingsInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: SettingsInput = {};
  if (form.anonymisationEnabled !== saved.anonymisationEnabled)
    input.anonymisationEnabled = form.anonymisationEnabled;
  if (form.erasureEnabled !== saved.erasureEnabled) input.erasureEnabled = form.erasureEnabled;

  const rights: NonNullable<SettingsInput['defaultRights']> = {};
  if (form.defaultCanAnonymise !== saved.defaultRights.canAnonymise)
    rights.canAnonymise = form.defaultCanAnonymise;
  if (form.defaultCanErase !== saved.defaultRights.canErase) rights.canErase = form.defaultCanErase;
  if (Object.keys(rights).length > 0) input.defaultRights = rights;

  const impersonation: NonNullable<SettingsInput['impersonation']> = {};
  const recipients = parseUserIds(form.alertRecipients);
  if (!recipients) errors['impersonation.alertRecipients'] = 'console.settings.errors.userIds';
  else if (!sameList(recipients, saved.impersonation.alertRecipients))
    impersonation.alertRecipients = recipients;
  if (form.notifyImpersonatedUser !== saved.impersonation.notifyImpersonatedUser)
    impersonation.notifyImpersonatedUser = form.notifyImpersonatedUser;
  if (Object.keys(impersonation).length > 0) input.impersonation = impersonation;

  const dismissed: NonNullable<SettingsInput['dismissedAutoAnonymise']> = {};
  if (form.autoAnonymiseEnabled !== saved.dismissedAutoAnonymise.enabled)
    dismissed.enabled = form.autoAnonymiseEnabled;
  const days = parseWholeNumber(form.autoAnonymiseAfterDays, { min: 0, max: Number.POSITIVE_INFINITY });
  if (days === null) errors['dismissedAutoAnonymise.afterDays'] = 'console.settings.errors.days';
  else if (days !== saved.dismissedAutoAnonymise.afterDays) dismissed.afterDays = days;
  if (Object.keys(dismissed).length > 0) input.dismissedAutoAnonymise = dismissed;

  return { input: Object.keys(input).length > 0 ? input : null, errors };
}

export function weeklyPatch(
  form: WeeklyForm,
  saved: WeeklyReportSettingsFieldsFragment,
): { input: WeeklyReportSettingsInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: WeeklyReportSettingsInput = {};
  const day = Number(form.dayOfWeek);
  if (!Number.isInteger(day) || day < 1 || day > 7) errors.dayOfWeek = 'console.settings.errors.day';
  else if (day !== saved.dayOfWeek) input.dayOfWeek = day;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time)) errors.time = 'console.settings.errors.time';
  else if (form.time !== saved.time) input.time = form.time;
  const timeZone = form.timeZone.trim();
  if (!timeZone) errors.timeZone = 'console.settings.errors.timeZone';
  else if (timeZone !== saved.timeZone) input.timeZone = timeZone;
  // The API checks the addresses themselves and names the bad one.
  const recipients = splitList(form.recipients);
  if (!sameList(recipients, saved.recipients)) input.recipients = recipients;
  const attempts = parseWholeNumber(form.mailAttempts, MAIL_ATTEMPTS);
  if (attempts === null) errors.mailAttempts = 'console.settings.errors.mailAttempts';
  else if (attempts !== saved.mailAttempts) input.mailAttempts = attempts;
  const retrySeconds = parseWholeNumber(form.mailRetrySeconds, MAIL_RETRY_SECONDS);
  if (retrySeconds === null) errors.mailRetrySeconds = 'console.settings.errors.mailRetrySeconds';
  else if (retrySeconds !== saved.mailRetrySeconds) input.mailRetrySeconds = retrySeconds;
  return { input: Object.keys(input).length > 0 ? input : null, errors };
}

/** The error shown at `field`: the exact path or one below it (`recipients.2` shows at `recipients`). */
export function errorAt(errors: Readonly<Record<string, string>>, field: string): string | undefined {
  return errors[field] ?? Object.entries(errors).find(([path]) => path.startsWith(`${field}.`))?.[1];
}
