// @vitest-environment node
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sendMessage } from '../../src/messaging/protocol.ts';
import { tokenItem } from '../../src/storage/items.ts';
import type { ApiStack } from '../api/api-stack.ts';
import { gqlAs, mountConsole, signInAs, startConsoleStack } from './support/console-stack.ts';
import { eventually, findByTestId, queryByTestId, typeInto } from './support/dom.ts';

vi.mock('#i18n', () => import('./support/i18n.ts'));

/** The part of the in-process API these tests reach past GraphQL: making a weekly report now. */
interface ReportServices {
  services: {
    orm: { em: { fork(): unknown } };
    reports: { generate(em: unknown, week: string): Promise<{ report: { id: string } }> };
  };
}

const AUDITOR = 15;
const SESSION_KEY = 'c'.repeat(64);
let stack: ApiStack;
let sessionId: string;
let mounted: { unmount(): void } | undefined;
beforeAll(async () => {
  stack = await startConsoleStack();
  await gqlAs(stack, 1, `mutation { grantAuditor(userId: ${AUDITOR}) { __typename } }`);
  const started = await gqlAs(
    stack,
    1,
    `mutation { startImpersonation(impersonatedUserId: 7, sessionKey: "${SESSION_KEY}") { ... on ImpersonationSession { id } } }`,
  );
  sessionId = started.startImpersonation.id;
  // Something else in the log, so a filter has something to leave out.
  await gqlAs(stack, 1, 'mutation { updateSettings(input: { exportLinkTtlDays: 8 }) { __typename } }');
  await signInAs(stack, AUDITOR);
}, 120_000);
afterAll(() => stack?.close());
/** How the console names a portal user: the portal's full name and the id. */
const label = (id: number) => {
  const user = stack.api.portal.state.users.get(id);
  return `${user?.NAME} ${user?.LAST_NAME} (#${id})`;
};
afterEach(() => mounted?.unmount());

async function open(hash: string, ready: string) {
  const view = mountConsole(hash);
  mounted = view;
  await findByTestId(view.root, ready);
  return view.root;
}

const actions = (root: ParentNode) =>
  [...root.querySelectorAll('[data-testid^="audit-event-"] code:not(.metadata)')].map((c) => c.textContent);

describe('the audit tab against the API', { timeout: 90_000 }, () => {
  it('says the chain is intact', async () => {
    const root = await open('#/audit', 'chain-status');
    const status = await findByTestId(root, 'chain-status');
    expect(status.getAttribute('data-ok')).toBe('true');
    expect(status.textContent).toMatch(/^console\.audit\.chainOk\(\d+\)$/);
  });

  it('says there is no weekly report yet (none is made before the download test below), and lists the session', async () => {
    const root = await open('#/audit', `session-row-${sessionId}`);
    await eventually(() => expect(root.textContent).toContain('console.audit.noReports'));
    expect(root.textContent).not.toContain('console.audit.noSessions');
    // Each section loads on its own (the chain check may answer last on a busy machine).
    await eventually(() => expect(root.textContent).not.toContain('console.loading'));
  });

  it('lists impersonation sessions and opens one with its actions at #/audit/sessions/<id>', async () => {
    const root = await open('#/audit', `session-row-${sessionId}`);
    (await findByTestId<HTMLAnchorElement>(root, `session-link-${sessionId}`)).click();
    await eventually(() => expect(window.location.hash).toBe(`#/audit/sessions/${sessionId}`));
    await findByTestId(root, 'session-detail');
    expect((await findByTestId(root, 'session-admin')).textContent).toBe(label(1));
    expect((await findByTestId(root, 'session-impersonated')).textContent).toBe(label(7));
    // The session's start is itself recorded with the session key.
    await eventually(() => expect(actions(root)).toContain('impersonation.started'));
    (await findByTestId<HTMLAnchorElement>(root, 'session-back')).click();
    await findByTestId(root, `session-row-${sessionId}`);
  });

  it('filters the event log by action prefix and session key, and resets', async () => {
    const root = await open('#/audit', 'audit-events');
    expect(new Set(actions(root)).size).toBeGreaterThan(1);
    typeInto(await findByTestId(root, 'audit-filter-actionPrefix'), 'impersonation.');
    (await findByTestId(root, 'audit-filter-apply')).click();
    await eventually(() => expect(new Set(actions(root))).toEqual(new Set(['impersonation.started'])));

    typeInto(await findByTestId(root, 'audit-filter-actionPrefix'), '');
    typeInto(await findByTestId(root, 'audit-filter-sessionKey'), 'f'.repeat(64));
    (await findByTestId(root, 'audit-filter-apply')).click();
    await eventually(() => expect(actions(root)).toEqual([]));

    (await findByTestId(root, 'audit-filter-reset')).click();
    await eventually(() => expect(new Set(actions(root)).size).toBeGreaterThan(1));
    expect((await findByTestId<HTMLInputElement>(root, 'audit-filter-sessionKey')).value).toBe('');
  });

  it('downloads a weekly report through the background, the token in a header and never in the URL', async () => {
    const { services } = stack.api as unknown as ReportServices;
    const { report } = await services.reports.generate(services.orm.em.fork(), '2026-W01');
    const download = vi.fn(
      async (_options: { url: string; headers?: { name: string; value: string }[] }) => 3,
    );
    fakeBrowser.downloads.download = download as unknown as typeof fakeBrowser.downloads.download;

    const root = await open('#/audit', `report-download-${report.id}`);
    // No SMTP in this stack: the row says the file was not mailed, and why (as the cell's title).
    const mail = await findByTestId(root, `report-mail-${report.id}`);
    expect(mail.textContent).toBe('console.audit.mailStatus.SKIPPED');
    expect(mail.getAttribute('title')).toBe('SMTP is not configured (SMTP_URL).');
    (await findByTestId(root, `report-download-${report.id}`)).click();
    await eventually(() => expect(download).toHaveBeenCalledTimes(1));
    const options = download.mock.calls[0]?.[0];
    const token = (await tokenItem.getValue()) as string;
    expect(options?.url).toBe(`${stack.apiUrl}/audit/reports/${report.id}/download`);
    expect(options?.headers).toEqual([{ name: 'Authorization', value: `Bearer ${token}` }]);
    // What the browser does with these options: the API hands over the file.
    const file = await fetch(options?.url as string, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('audit-week-2026-W01.zip');

    expect(await sendMessage('downloadReport', { reportId: '../../graphql' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid', field: 'reportId' },
    });
    expect(download).toHaveBeenCalledTimes(1);
  });

  it('shows an administrator who is no auditor no audit tab; a session address still opens that session', async () => {
    await signInAs(stack, 1);
    try {
      const root = await open(`#/audit/sessions/${sessionId}`, 'session-detail');
      expect(queryByTestId(root, 'tab-audit')).toBeNull();
      expect(queryByTestId(root, 'tab-settings')).not.toBeNull();
      expect(queryByTestId(root, 'session-back')).toBeNull();
    } finally {
      await signInAs(stack, AUDITOR);
    }
  });

  it('opens the session for the employee who was impersonated (their notice links here), not for others', async () => {
    try {
      await signInAs(stack, 7);
      const mine = await open(`#/audit/sessions/${sessionId}`, 'session-detail');
      expect((await findByTestId(mine, 'session-admin')).textContent).toBe(label(1));
      mounted?.unmount();
      await signInAs(stack, 8);
      const theirs = await open(`#/audit/sessions/${sessionId}`, 'session-error');
      expect(queryByTestId(theirs, 'session-detail')).toBeNull();
    } finally {
      await signInAs(stack, AUDITOR);
    }
  });
});
