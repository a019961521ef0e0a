import { MAIL_ATTEMPTS, MAIL_RETRY_SECONDS } from '@b24-gdpr/shared';
import type { SettingsFieldsFragment } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import {
  errorAt,
  parseUserIds,
  parseWholeNumber,
  settingsForm,
  settingsPatch,
  weeklyForm,
  weeklyPatch,
} from '../../src/console/settings-form.ts';

const saved: SettingsFieldsFragment = {
  version: 3,
  anonymisationEnabled: true,
  erasureEnabled: false,
  exportLinkTtlDays: 7,
  auditRetentionDays: 365,
  updatedAt: null,
  updatedBy: null,
  defaultRights: { canAnonymise: true, canErase: false },
  dismissedAutoAnonymise: { enabled: false, afterDays: 90 },
  impersonation: { alertRecipients: [1, 2], notifyImpersonatedUser: true, maxMinutes: 60 },
};
const weekly = {
  dayOfWeek: 1,
  time: '00:00',
  timeZone: 'UTC',
  recipients: ['a@example.test'],
  mailAttempts: 6,
  mailRetrySeconds: 60,
};

describe('settings form', () => {
  it('saves nothing when nothing changed', () => {
    expect(settingsPatch(settingsForm(saved), saved)).toEqual({ input: null, errors: {} });
    expect(weeklyPatch(weeklyForm(weekly), weekly)).toEqual({ input: null, errors: {} });
  });

  it('sends only the fields that changed, nested as the API takes them', () => {
    const form = {
      ...settingsForm(saved),
      erasureEnabled: true,
      defaultCanErase: true,
      alertRecipients: '1 2, 5',
      autoAnonymiseAfterDays: '30',
    };
    expect(settingsPatch(form, saved)).toEqual({
      input: {
        erasureEnabled: true,
        defaultRights: { canErase: true },
        impersonation: { alertRecipients: [1, 2, 5] },
        dismissedAutoAnonymise: { afterDays: 30 },
      },
      errors: {},
    });
  });

  it("names the field of each bad value with the API's path", () => {
    const form = { ...settingsForm(saved), alertRecipients: '1, bob', autoAnonymiseAfterDays: '-1' };
    expect(settingsPatch(form, saved).errors).toEqual({
      'impersonation.alertRecipients': 'console.settings.errors.userIds',
      'dismissedAutoAnonymise.afterDays': 'console.settings.errors.days',
    });
    const bad = weeklyPatch(
      {
        dayOfWeek: '8',
        time: '25:00',
        timeZone: ' ',
        recipients: '',
        mailAttempts: '0',
        mailRetrySeconds: '86401',
      },
      weekly,
    );
    expect(bad.errors).toEqual({
      dayOfWeek: 'console.settings.errors.day',
      time: 'console.settings.errors.time',
      timeZone: 'console.settings.errors.timeZone',
      mailAttempts: 'console.settings.errors.mailAttempts',
      mailRetrySeconds: 'console.settings.errors.mailRetrySeconds',
    });
  });

  it('shows the mail retry policy and sends it only when changed', () => {
    expect(weeklyForm(weekly)).toMatchObject({ mailAttempts: '6', mailRetrySeconds: '60' });
    const form = { ...weeklyForm(weekly), mailAttempts: ' 10 ', mailRetrySeconds: '300' };
    expect(weeklyPatch(form, weekly)).toEqual({
      input: { mailAttempts: 10, mailRetrySeconds: 300 },
      errors: {},
    });
    expect(weeklyPatch({ ...weeklyForm(weekly), mailRetrySeconds: '60' }, weekly).input).toBeNull();
  });

  it("takes the mail retry values within the API's limits, and nothing else", () => {
    const attempts = (text: string) => weeklyPatch({ ...weeklyForm(weekly), mailAttempts: text }, weekly);
    const retry = (text: string) => weeklyPatch({ ...weeklyForm(weekly), mailRetrySeconds: text }, weekly);
    expect(attempts('1').input).toEqual({ mailAttempts: 1 });
    expect(attempts('20').input).toEqual({ mailAttempts: 20 });
    for (const text of ['0', '21', '2.5', '-3', '', 'six'])
      expect(attempts(text), text).toEqual({
        input: null,
        errors: { mailAttempts: 'console.settings.errors.mailAttempts' },
      });
    expect(retry('1').input).toEqual({ mailRetrySeconds: 1 });
    expect(retry('86400').input).toEqual({ mailRetrySeconds: 86_400 });
    for (const text of ['0', '86401', '1e3', ' '])
      expect(retry(text).errors, text).toEqual({
        mailRetrySeconds: 'console.settings.errors.mailRetrySeconds',
      });
    expect(parseWholeNumber('007', MAIL_ATTEMPTS)).toBe(7);
    expect(parseWholeNumber('99999999999999999999', MAIL_RETRY_SECONDS)).toBeNull();
  });

  it('parses user id lists and finds an error below a field', () => {
    expect(parseUserIds('')).toEqual([]);
    expect(parseUserIds('3, 3; 4')).toEqual([3, 4]);
    expect(parseUserIds('0')).toBeNull();
    expect(errorAt({ 'weekly.recipients.1': 'bad' }, 'weekly.recipients')).toBe('bad');
    expect(errorAt({ 'weekly.recipientsX': 'bad' }, 'weekly.recipients')).toBeUndefined();
  });
});
