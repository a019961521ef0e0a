import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SetUserRightsDocument, UpdateSettingsDocument, UserRightsDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../packages/api/src/modules/dsr/data-subject-request.entity.ts';
import { readZip } from '../packages/api/test/support/zip.ts';
import { hasChromium, waitFor } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { extensionStorage, signInExtension } from './support/extension-session.ts';
import { openPortalAs } from './support/portal.ts';

const ADMIN = 1;
const EMPLOYEE = 5;

const e2e = useExtensionE2e(async ({ stack }) => {
  // Anonymisation is switched on for the portal, but this employee's right to it is off: the rule
  // that refuses is theirs, not the master switch.
  await stack.query(ADMIN, UpdateSettingsDocument, { input: { anonymisationEnabled: true } });
  await stack.query(ADMIN, SetUserRightsDocument, { userIds: [EMPLOYEE], canAnonymise: false });
});

describe.skipIf(!hasChromium)('an employee on their own profile', () => {
  it('signs in with the one-time code from their Bitrix24 notification', async () => {
    await signInExtension(e2e.browser, e2e.stack, EMPLOYEE);
    const stored = await extensionStorage(e2e.browser);
    expect(stored.user).toMatchObject({ id: EMPLOYEE });
    expect(stored.roles).toEqual(['EMPLOYEE']);
    expect(stored.token).toMatch(/^b24g_/);
  });

  it('downloads their data: the archive arrives and its manifest is the request’s', async () => {
    const page = await openPortalAs(
      e2e.browser.context,
      e2e.stack,
      EMPLOYEE,
      `/company/personal/user/${EMPLOYEE}/`,
    );
    const panel = page.getByTestId('gdpr-panel');
    await expect.poll(() => panel.getAttribute('data-viewer'), { timeout: 15_000 }).toBe('own');
    const download = panel.getByTestId('gdpr-download');
    await expect.poll(() => download.isEnabled(), { timeout: 10_000 }).toBe(true);
    await download.click();

    // The export runs in the API's job worker; the panel follows its progress until the link is ready.
    const ready = panel.getByTestId('download-ready');
    await expect.poll(() => ready.isVisible(), { timeout: 45_000, interval: 250 }).toBe(true);
    const request = await e2e.stack.api.services.orm.em
      .fork()
      .findOneOrFail(
        DataSubjectRequest,
        { subjectUserId: EMPLOYEE, type: 'EXPORT' },
        { orderBy: { createdAt: 'desc' } },
      );
    expect(request.status).toBe('COMPLETED');
    await e2e.browser.screenshot(panel, 'profile-panel-export-ready');

    await ready.click();
    const item = await waitFor(
      async () => {
        const [found] = await e2e.browser.inWorker(() =>
          chrome.downloads.search({ orderBy: ['-startTime'] }),
        );
        if (found?.state === 'interrupted') throw new Error(`the download failed: ${found.error}`);
        return found?.state === 'complete' ? found : undefined;
      },
      'the archive to finish downloading',
      20_000,
    );
    // Playwright saves downloads under generated names; what matters is where it came from and what it holds.
    expect(item.mime).toBe('application/zip');
    expect(new URL(item.url).origin).toBe(e2e.stack.apiUrl);
    expect(item.url).not.toContain((await extensionStorage(e2e.browser)).token);
    const bytes = await readFile(item.filename);
    const archive = (request.checkpoint as { archive: { bytes: number; sha256: string; manifest: unknown } })
      .archive;
    expect(bytes.length).toBe(archive.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(archive.sha256);
    const entries = await readZip(bytes);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      categories: { files?: { name: string; rows: number }[] }[];
    };
    // The manifest in the archive is the one the API stored for this request: same files, same rows.
    expect(manifest).toEqual(archive.manifest);
    expect(manifest.categories.length).toBeGreaterThan(0);
  });

  it('sees Anonymise disabled, with the rule that refuses it, while their right is off', async () => {
    const { userRights } = await e2e.stack.query(EMPLOYEE, UserRightsDocument, { userId: EMPLOYEE });
    if (userRights.__typename !== 'UserRights') throw new Error('no rights');
    const refused = userRights.actions.find((a) => a.action === 'ANONYMISE')!;
    expect(refused).toMatchObject({ allowed: false, rule: 'NO_ANONYMISE_RIGHT' });

    const page = await openPortalAs(
      e2e.browser.context,
      e2e.stack,
      EMPLOYEE,
      `/company/personal/user/${EMPLOYEE}/`,
    );
    const panel = page.getByTestId('gdpr-panel');
    const anonymise = panel.getByTestId('gdpr-anonymise');
    await expect.poll(() => anonymise.count(), { timeout: 15_000 }).toBe(1);
    expect(await anonymise.isDisabled()).toBe(true);
    expect(await anonymise.getAttribute('data-rule')).toBe(refused.rule);
    expect(await panel.getByTestId('gdpr-reason-anonymise').textContent()).toBe(
      refused.message ?? refused.rule,
    );
    await e2e.browser.screenshot(panel, 'profile-panel-own');
  });
});
