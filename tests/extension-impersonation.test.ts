import { createHash } from 'node:crypto';
import { ImpersonationSessionsDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { ImpersonationSession } from '../packages/api/src/modules/impersonation/impersonation-session.entity.ts';
import { hasChromium, waitFor } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { signInExtension, signOutExtension } from './support/extension-session.ts';
import { openPortalAs } from './support/portal.ts';

const ADMIN = 1;
const EMPLOYEE = 8;

const e2e = useExtensionE2e();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fullName = (id: number) => {
  const user = e2e.stack.api.portal.state.users.get(id)!;
  return `${user.NAME} ${user.LAST_NAME}`;
};
/** Chat messages the API's webhook user (1) wrote into private chats with `recipient`. */
const alertsTo = (recipient: number) =>
  [...e2e.stack.api.portal.state.messages.values()].filter((m) => {
    const chat = e2e.stack.api.portal.state.chats.get(m.chatId);
    return chat?.type === 'private' && chat.memberIds.includes(recipient) && m.authorId === 1;
  });

describe.skipIf(!hasChromium)('an administrator authorises as an employee', () => {
  it('shows the banner on the next pages, stores the session with both users and the key, alerts user 1, and tells the employee later', async () => {
    await signInExtension(e2e.browser, e2e.stack, ADMIN);
    const alertsBefore = alertsTo(1).length;
    const page = await openPortalAs(e2e.browser.context, e2e.stack, ADMIN, '/bitrix/admin/user_admin.php');

    // The row action of the admin user list, as an administrator clicks it.
    await page
      .locator(`tr.adm-list-table-row[data-id="${EMPLOYEE}"] a.adm-list-table-action-authorize`)
      .click();
    await page.waitForURL(/\/stream\/$/);
    expect(
      await page.evaluate(() => (window as { BX?: { message(k: string): string } }).BX?.message('USER_ID')),
    ).toBe(String(EMPLOYEE));
    const banner = page.getByTestId('impersonation-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => banner.textContent()).toContain(fullName(EMPLOYEE));
    expect(await banner.textContent()).toContain(fullName(ADMIN));
    await e2e.browser.screenshot(page, 'impersonation-banner');

    // Every page of that session keeps it: a full load and an in-page (data-slider) navigation.
    await page.goto(e2e.stack.api.portal.pages.url(`/company/personal/user/${EMPLOYEE}/`));
    await expect
      .poll(() => page.getByTestId('impersonation-banner').isVisible(), { timeout: 10_000 })
      .toBe(true);
    await page.goto(e2e.stack.api.portal.pages.url('/stream/'));
    await expect
      .poll(() => page.getByTestId('impersonation-banner').isVisible(), { timeout: 10_000 })
      .toBe(true);

    const switched = e2e.stack.api.portal.pages.authorizations().at(-1)!;
    expect(switched).toMatchObject({ adminId: ADMIN, userId: EMPLOYEE });
    const sessions = await waitFor(async () => {
      const found = await e2e.stack.query(ADMIN, ImpersonationSessionsDocument, {
        filter: { impersonatedUserId: EMPLOYEE },
        first: 10,
      });
      return found.impersonationSessions.edges.length > 0 ? found.impersonationSessions.edges : undefined;
    }, 'the impersonation session at the API');
    expect(sessions).toHaveLength(1);
    const session = sessions[0]!.node;
    expect(session).toMatchObject({
      adminUserId: ADMIN,
      impersonatedUserId: EMPLOYEE,
      endedAt: null,
    });
    // The key is the SHA-256 of the new session's bitrix_sessid, as the page showed it (read as stored:
    // the API shows readers only its keyed reference).
    const stored = await e2e.stack.api.services.orm.em
      .fork()
      .findOneOrFail(ImpersonationSession, { id: session.id });
    expect(stored.sessionKey).toBe(sha256(switched.sessidAfter));
    expect(stored.sessionKey).not.toBe(sha256(switched.sessidBefore));
    expect(session.sessionRef).toMatch(/^[0-9a-f]{32}$/);

    const alert = alertsTo(1).slice(alertsBefore).at(-1);
    expect(alert?.text).toContain(`${fullName(ADMIN)} logged in as ${fullName(EMPLOYEE)}`);
    expect(alert?.text).toContain(`/impersonation-sessions/${session.id}`);
    await page.close();

    // Later the employee, with the extension signed in as themselves, sees the notice on their portal.
    await signOutExtension(e2e.browser);
    await signInExtension(e2e.browser, e2e.stack, EMPLOYEE);
    const own = await openPortalAs(e2e.browser.context, e2e.stack, EMPLOYEE, '/stream/');
    const notice = own.getByTestId('impersonation-notice');
    await expect.poll(() => notice.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await notice.locator(`[data-session-id="${session.id}"]`).count()).toBe(1);
    // Who did it, by name: the employee could not look the administrator up themselves.
    expect(await notice.locator(`[data-session-id="${session.id}"]`).textContent()).toContain(
      fullName(ADMIN),
    );
    expect(await own.getByTestId('impersonation-banner').count()).toBe(0);
    await e2e.browser.screenshot(own, 'impersonation-notice');
  });
});
