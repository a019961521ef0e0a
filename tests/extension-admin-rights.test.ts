import { UpdateSettingsDocument, UserRightsDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { signInExtension } from './support/extension-session.ts';
import { openPortalAs } from './support/portal.ts';

const ADMIN = 1;
const EMPLOYEE = 7;

// With the portal's anonymisation switched on, the employee's own right is what decides.
const e2e = useExtensionE2e(async ({ stack }) => {
  await stack.query(ADMIN, UpdateSettingsDocument, { input: { anonymisationEnabled: true } });
});

/** The employee's rights as the API answers `viewer` (the employee's own decisions depend on them). */
const storedRights = async (userId: number, viewer = ADMIN) => {
  const { userRights } = await e2e.stack.query(viewer, UserRightsDocument, { userId });
  if (userRights.__typename !== 'UserRights') throw new Error(`no rights for ${userId}`);
  return userRights;
};

describe.skipIf(!hasChromium)("an administrator on another employee's profile", () => {
  it('turns the anonymisation right on with the switch, and the API stores it', async () => {
    const before = await storedRights(EMPLOYEE);
    expect(before.canAnonymise).toBe(false);
    const own = (rights: typeof before) => rights.actions.find((a) => a.action === 'ANONYMISE');
    expect(own(await storedRights(EMPLOYEE, EMPLOYEE))).toMatchObject({
      allowed: false,
      rule: 'NO_ANONYMISE_RIGHT',
    });
    await signInExtension(e2e.browser, e2e.stack, ADMIN);
    const page = await openPortalAs(
      e2e.browser.context,
      e2e.stack,
      ADMIN,
      `/company/personal/user/${EMPLOYEE}/`,
    );
    const panel = page.getByTestId('gdpr-panel');
    await expect.poll(() => panel.getAttribute('data-viewer'), { timeout: 15_000 }).toBe('admin');
    const right = panel.getByTestId('right-anonymise');
    await expect.poll(() => right.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await right.isChecked()).toBe(false);
    expect(await panel.getByTestId('right-erase').isChecked()).toBe(false);

    await right.click();
    await expect
      .poll(async () => (await storedRights(EMPLOYEE)).canAnonymise, { timeout: 10_000 })
      .toBe(true);
    const stored = await storedRights(EMPLOYEE);
    expect(stored).toMatchObject({ canAnonymise: true, canErase: false, isDefault: false, updatedBy: ADMIN });
    // The right now counts: the employee may anonymise their own data.
    expect(own(await storedRights(EMPLOYEE, EMPLOYEE))).toMatchObject({ allowed: true, rule: null });
    await expect.poll(() => right.isChecked()).toBe(true);

    // A fresh load reads the stored right back; the other right is untouched.
    await page.reload();
    const reloaded = page.getByTestId('gdpr-panel').getByTestId('right-anonymise');
    await expect.poll(() => reloaded.isChecked(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('right-erase').isChecked()).toBe(false);
    await e2e.browser.screenshot(page.getByTestId('gdpr-panel'), 'profile-panel-admin');
  });
});
