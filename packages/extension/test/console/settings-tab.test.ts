// @vitest-environment node
import { MAIL_ATTEMPTS, MAIL_RETRY_SECONDS } from '@b24-gdpr/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiStack } from '../api/api-stack.ts';
import { gqlAs, mountConsole, signInAs, startConsoleStack } from './support/console-stack.ts';
import { eventually, findByTestId, queryByTestId, typeInto } from './support/dom.ts';

vi.mock('#i18n', () => import('./support/i18n.ts'));

let stack: ApiStack;
let mounted: { unmount(): void } | undefined;
beforeAll(async () => {
  stack = await startConsoleStack();
  await signInAs(stack, 1);
}, 120_000);
afterAll(() => stack?.close());
afterEach(() => mounted?.unmount());

const SETTINGS = `{ settings { version anonymisationEnabled erasureEnabled defaultRights { canAnonymise canErase }
  impersonation { alertRecipients notifyImpersonatedUser } dismissedAutoAnonymise { enabled afterDays } }
  weeklyReportSettings { dayOfWeek time timeZone recipients mailAttempts mailRetrySeconds } }`;
const UPDATE_WEEKLY = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) {
    __typename
    ... on InvalidInputError { field }
  }
}`;

async function open() {
  const view = mountConsole('#/settings');
  mounted = view;
  await findByTestId(view.root, 'switch-anonymisation-enabled');
  return view.root;
}

describe('application settings against the API', { timeout: 60_000 }, () => {
  it('shows the stored settings and marks a master switch that is off', async () => {
    await gqlAs(
      stack,
      1,
      'mutation { updateSettings(input: { erasureEnabled: false, anonymisationEnabled: true }) { __typename } }',
    );
    const root = await open();
    const erasure = await findByTestId<HTMLInputElement>(root, 'switch-erasure-enabled');
    const anonymisation = await findByTestId<HTMLInputElement>(root, 'switch-anonymisation-enabled');
    expect(erasure.checked).toBe(false);
    expect(anonymisation.checked).toBe(true);
    expect(erasure.closest('.master')?.getAttribute('data-off')).toBe('true');
    expect(anonymisation.closest('.master')?.getAttribute('data-off')).toBeNull();
  });

  it('shows the stored mail retry policy of the weekly report', async () => {
    await gqlAs(stack, 1, UPDATE_WEEKLY, { input: { mailAttempts: 7, mailRetrySeconds: 90 } });
    const root = await open();
    expect((await findByTestId<HTMLInputElement>(root, 'weekly-mail-attempts')).value).toBe('7');
    expect((await findByTestId<HTMLInputElement>(root, 'weekly-mail-retry-seconds')).value).toBe('90');
  });

  it('saves the changed fields, which the API then reports', async () => {
    const root = await open();
    (await findByTestId<HTMLInputElement>(root, 'switch-erasure-enabled')).click();
    (await findByTestId<HTMLInputElement>(root, 'settings-default-erase')).click();
    typeInto(await findByTestId(root, 'settings-alert-recipients'), '1, 2');
    (await findByTestId<HTMLInputElement>(root, 'settings-auto-anonymise')).click();
    typeInto(await findByTestId(root, 'settings-auto-anonymise-days'), '45');
    typeInto(await findByTestId(root, 'weekly-day'), '5');
    typeInto(await findByTestId(root, 'weekly-time'), '07:30');
    typeInto(await findByTestId(root, 'weekly-timezone'), 'Europe/Berlin');
    typeInto(await findByTestId(root, 'weekly-recipients'), 'Audit@Example.test, dpo@example.test');
    typeInto(await findByTestId(root, 'weekly-mail-attempts'), '4');
    typeInto(await findByTestId(root, 'weekly-mail-retry-seconds'), '120');
    (await findByTestId(root, 'settings-save')).click();
    await findByTestId(root, 'settings-saved');

    const stored = await gqlAs(stack, 1, SETTINGS);
    expect(stored.settings).toMatchObject({
      erasureEnabled: true,
      defaultRights: { canErase: true },
      impersonation: { alertRecipients: [1, 2] },
      dismissedAutoAnonymise: { enabled: true, afterDays: 45 },
    });
    expect(stored.weeklyReportSettings).toEqual({
      dayOfWeek: 5,
      time: '07:30',
      timeZone: 'Europe/Berlin',
      recipients: ['audit@example.test', 'dpo@example.test'],
      mailAttempts: 4,
      mailRetrySeconds: 120,
    });
    // The form shows what the API stored (addresses in lower case).
    expect((await findByTestId<HTMLTextAreaElement>(root, 'weekly-recipients')).value).toBe(
      'audit@example.test, dpo@example.test',
    );
  });

  it("shows its own checks and the API's errors next to the field; a refused value is not stored", async () => {
    const before = await gqlAs(stack, 1, SETTINGS);
    const root = await open();
    typeInto(await findByTestId(root, 'settings-alert-recipients'), '1, bob');
    (await findByTestId(root, 'settings-save')).click();
    expect((await findByTestId(root, 'error-impersonation.alertRecipients')).textContent).toBe(
      'console.settings.errors.userIds',
    );

    typeInto(await findByTestId(root, 'settings-alert-recipients'), '1');
    typeInto(await findByTestId(root, 'weekly-timezone'), 'Mars/Olympus_Mons');
    (await findByTestId(root, 'settings-save')).click();
    // The API's InvalidInputError names the field; its message is shown as text there.
    const apiError = await findByTestId(root, 'error-weekly.timeZone');
    expect(apiError.textContent).toMatch(/time zone/i);
    expect(queryByTestId(root, 'error-impersonation.alertRecipients')).toBeNull();
    expect((await gqlAs(stack, 1, SETTINGS)).weeklyReportSettings).toEqual(before.weeklyReportSettings);
  });

  it('checks the mail retry values before saving; a refused one is not sent', async () => {
    const before = await gqlAs(stack, 1, SETTINGS);
    const root = await open();
    typeInto(await findByTestId(root, 'weekly-mail-attempts'), String(MAIL_ATTEMPTS.max + 1));
    typeInto(await findByTestId(root, 'weekly-mail-retry-seconds'), '0');
    (await findByTestId(root, 'settings-save')).click();
    expect((await findByTestId(root, 'error-weekly.mailAttempts')).textContent).toBe(
      'console.settings.errors.mailAttempts',
    );
    expect((await findByTestId(root, 'error-weekly.mailRetrySeconds')).textContent).toBe(
      'console.settings.errors.mailRetrySeconds',
    );
    expect(queryByTestId(root, 'settings-saved')).toBeNull();
    expect((await gqlAs(stack, 1, SETTINGS)).weeklyReportSettings).toEqual(before.weeklyReportSettings);
  });

  it("uses the API's limits: the API takes each bound and refuses one past it", async () => {
    const update = async (input: Record<string, number>) =>
      (await gqlAs(stack, 1, UPDATE_WEEKLY, { input })).updateWeeklyReportSettings;
    for (const [field, limits] of [
      ['mailAttempts', MAIL_ATTEMPTS],
      ['mailRetrySeconds', MAIL_RETRY_SECONDS],
    ] as const) {
      for (const ok of [limits.min, limits.max])
        expect(await update({ [field]: ok }), `${field} ${ok}`).toEqual({
          __typename: 'WeeklyReportSettings',
        });
      for (const bad of [limits.min - 1, limits.max + 1])
        expect(await update({ [field]: bad }), `${field} ${bad}`).toMatchObject({
          __typename: 'InvalidInputError',
          field: expect.stringContaining(field),
        });
    }
  });

  it('says when someone else saved in between, and shows the merged result', async () => {
    const root = await open();
    await gqlAs(stack, 1, 'mutation { updateSettings(input: { exportLinkTtlDays: 9 }) { __typename } }');
    (await findByTestId<HTMLInputElement>(root, 'settings-notify-impersonated')).click();
    (await findByTestId(root, 'settings-save')).click();
    await eventually(() =>
      expect(queryByTestId(root, 'settings-saved')?.textContent).toBe('console.settings.savedMerged'),
    );
  });
});
