import type { SettingsFieldsFragment } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import {
  errorAt,
  parseUserIds,
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
const weekly = { dayOfWeek: 1, time: '00:00', timeZone: 'UTC', recipients: ['a@example.test'] };

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
    const bad = weeklyPatch({ dayOfWeek: '8', time: '25:00', timeZone: ' ', recipients: '' }, weekly);
    expect(Object.keys(bad.errors).sort()).toEqual(['dayOfWeek', 'time', 'timeZone']);
  });

  it('parses user id lists and finds an error below a field', () => {
    expect(parseUserIds('')).toEqual([]);
    expect(parseUserIds('3, 3; 4')).toEqual([3, 4]);
    expect(parseUserIds('0')).toBeNull();
    expect(errorAt({ 'weekly.recipients.1': 'bad' }, 'weekly.recipients')).toBe('bad');
    expect(errorAt({ 'weekly.recipientsX': 'bad' }, 'weekly.recipients')).toBeUndefined();
  });
});
