// @vitest-environment node
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
  await gqlAs(
    stack,
    1,
    'mutation { updateSettings(input: { anonymisationEnabled: true, erasureEnabled: true }) { __typename } }',
  );
}, 120_000);
afterAll(() => stack?.close());
afterEach(() => mounted?.unmount());

async function open(hash: string, ready: string) {
  const view = mountConsole(hash);
  mounted = view;
  await findByTestId(view.root, ready);
  return view.root;
}

/** The in-process API behind the stack, to put requests into states a test cannot wait for. */
interface Database {
  services: {
    orm: {
      em: { fork(): { getConnection(): { execute(sql: string, params: unknown[]): Promise<unknown> } } };
    };
  };
}

/** Marks a request failed with its deadline `days` from now (a run that broke, close to its deadline). */
async function failWithDeadline(id: string, days: number): Promise<void> {
  const { services } = stack.api as unknown as Database;
  await services.orm.em
    .fork()
    .getConnection()
    .execute(
      `update data_subject_request set status = 'FAILED', error = 'portal unreachable', due_at = ?, finished_at = now() where id = ?`,
      [new Date(Date.now() + days * 86_400_000 + 3_600_000).toISOString(), id],
    );
}

const rowIds = (root: HTMLElement, prefix: string) =>
  [...root.querySelectorAll(`[data-testid^="${prefix}"]`)].map((row) =>
    row.getAttribute('data-testid')?.slice(prefix.length),
  );

const rightsOf = async (userId: number) =>
  (await gqlAs(stack, 1, `{ userRights(userId: ${userId}) { ... on UserRights { canAnonymise canErase } } }`))
    .userRights;

describe('user settings against the API', { timeout: 90_000 }, () => {
  it('lists current employees a page at a time, forward and back', async () => {
    const root = await open('#/users', 'user-row-1');
    const first = rowIds(root, 'user-row-');
    expect(first).toHaveLength(25);
    expect(first).not.toContain('11'); // dismissed
    (await findByTestId(root, 'users-pager-next')).click();
    await eventually(() => expect(queryByTestId(root, 'user-row-1')).toBeNull());
    const second = rowIds(root, 'user-row-');
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((id) => first.includes(id))).toBe(false);
    (await findByTestId(root, 'users-pager-previous')).click();
    await findByTestId(root, 'user-row-1');
  });

  it('finds employees by name', async () => {
    const { users } = await gqlAs(
      stack,
      1,
      '{ users(filter: { active: true }, first: 50) { edges { node { id lastName } } } }',
    );
    const seven = users.edges.find((e: { node: { id: number } }) => e.node.id === 7).node;
    const root = await open('#/users', 'user-row-1');
    typeInto(await findByTestId(root, 'users-search'), seven.lastName);
    (await findByTestId(root, 'users-search-submit')).click();
    await eventually(() => expect(queryByTestId(root, 'user-row-1')).toBeNull());
    expect(rowIds(root, 'user-row-')).toContain('7');
  });

  it('stores a right switched for one employee', async () => {
    const before = await rightsOf(5);
    const root = await open('#/users', 'user-right-anonymise-5');
    const toggle = await findByTestId<HTMLInputElement>(root, 'user-right-anonymise-5');
    expect(toggle.checked).toBe(before.canAnonymise);
    toggle.click();
    await eventually(async () => expect((await rightsOf(5)).canAnonymise).toBe(!before.canAnonymise));
    await eventually(() => expect(toggle.checked).toBe(!before.canAnonymise));
  });

  it('changes a right of every selected employee at once', async () => {
    await gqlAs(stack, 1, 'mutation { setUserRights(userIds: [3, 4], canErase: false) { __typename } }');
    const root = await open('#/users', 'user-select-3');
    (await findByTestId<HTMLInputElement>(root, 'user-select-3')).click();
    (await findByTestId<HTMLInputElement>(root, 'user-select-4')).click();
    (await findByTestId(root, 'bulk-erase-on')).click();
    await eventually(async () => {
      expect((await rightsOf(3)).canErase).toBe(true);
      expect((await rightsOf(4)).canErase).toBe(true);
    });
    await eventually(() =>
      expect(queryByTestId<HTMLInputElement>(root, 'user-right-erase-4')?.checked).toBe(true),
    );
  });
});

describe('dismissed users against the API', { timeout: 90_000 }, () => {
  it('lists the dismissed employees', async () => {
    const root = await open('#/dismissed', 'dismissed-row-11');
    expect(rowIds(root, 'dismissed-row-').filter((id) => !id?.startsWith('error'))).toEqual([
      '11',
      '22',
      '33',
      '44',
      '49',
    ]);
  });

  it('anonymises one, and several at once, showing each new request', async () => {
    const root = await open('#/dismissed', 'dismissed-anonymise-11');
    (await findByTestId(root, 'dismissed-anonymise-11')).click();
    await eventually(() =>
      expect(queryByTestId(root, 'dismissed-last-11')?.textContent).toContain('console.type.ANONYMISE'),
    );
    (await findByTestId<HTMLInputElement>(root, 'dismissed-select-22')).click();
    (await findByTestId<HTMLInputElement>(root, 'dismissed-select-33')).click();
    (await findByTestId(root, 'dismissed-bulk-anonymise')).click();
    await eventually(() => {
      for (const id of [22, 33])
        expect(queryByTestId(root, `dismissed-last-${id}`)?.textContent).toContain('console.type.ANONYMISE');
    });
    const { dataSubjectRequests } = await gqlAs(
      stack,
      1,
      '{ dataSubjectRequests(filter: { type: [ANONYMISE] }, first: 10) { edges { node { subjectUserId subjectPseudonym } } } }',
    );
    expect(dataSubjectRequests.edges).toHaveLength(3);
  });

  it('deletes only after showing the preview and a confirmation', async () => {
    const root = await open('#/dismissed', 'dismissed-erase-44');
    (await findByTestId(root, 'dismissed-erase-44')).click();
    const preview = await findByTestId(root, 'erase-preview');
    expect(preview.querySelectorAll('[data-testid^="erase-category-"]').length).toBeGreaterThan(0);
    (await findByTestId(root, 'erase-confirm')).click();
    await eventually(() => expect(queryByTestId(root, 'erase-preview')).toBeNull());
    await eventually(() =>
      expect(queryByTestId(root, 'dismissed-last-44')?.textContent).toContain('console.type.ERASE'),
    );
  });
});

describe('requests against the API', { timeout: 90_000 }, () => {
  it('lists requests with status, progress and a green deadline, filtered by type', async () => {
    const { requestDataExport } = await gqlAs(
      stack,
      6, // employees ask for their own export
      'mutation { requestDataExport(userId: 6) { ... on DataSubjectRequest { id daysLeft } } }',
    );
    const root = await open('#/requests', `request-row-${requestDataExport.id}`);
    const deadline = await findByTestId(root, `deadline-${requestDataExport.id}`);
    // Received now: a month to go (the colours themselves are unit-tested in pure.test.ts).
    expect(deadline.getAttribute('data-colour')).toBe('green');
    expect(deadline.textContent).toBe(`console.requests.daysLeft(${requestDataExport.daysLeft})`);

    typeInto(await findByTestId(root, 'requests-filter-type'), 'ANONYMISE');
    await eventually(() => expect(queryByTestId(root, `request-row-${requestDataExport.id}`)).toBeNull());
    const types = [...root.querySelectorAll('[data-testid^="request-row-"] td:first-child')].map(
      (td) => td.textContent,
    );
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['console.type.ANONYMISE']));
  });

  it('cancels an open request; a finished one offers no cancel', async () => {
    // A preview leaves an erasure request waiting for confirmation: open, so it can be cancelled.
    const { previewErasure } = await gqlAs(
      stack,
      1,
      'mutation { previewErasure(userId: 49) { ... on ErasurePreview { request { id status } } } }',
    );
    const id = previewErasure.request.id;
    expect(previewErasure.request.status).toBe('AWAITING_CONFIRMATION');
    const root = await open('#/requests', `request-cancel-${id}`);
    (await findByTestId(root, `request-cancel-${id}`)).click();
    await eventually(() =>
      expect(queryByTestId(root, `request-row-${id}`)?.getAttribute('data-status')).toBe('CANCELLED'),
    );
    expect(queryByTestId(root, `request-cancel-${id}`)).toBeNull();
    expect(queryByTestId(root, `deadline-${id}`)?.textContent).toBe('—');
    const { dataSubjectRequest } = await gqlAs(
      stack,
      1,
      `{ dataSubjectRequest(id: "${id}") { ... on DataSubjectRequest { status } } }`,
    );
    expect(dataSubjectRequest.status).toBe('CANCELLED');
  });

  it('colours deadlines green, amber under 10 days and red under 5, and retries a failed request', async () => {
    // Erasure previews wait for a confirmation, so no job runs them while the test sets their state.
    const ids: string[] = [];
    for (const userId of [8, 9, 10]) {
      const { previewErasure } = await gqlAs(
        stack,
        1,
        `mutation { previewErasure(userId: ${userId}) { __typename ... on ErasurePreview { request { id } } ... on PolicyRefusedError { message } } }`,
      );
      expect(previewErasure.__typename).toBe('ErasurePreview');
      ids.push(previewErasure.request.id);
    }
    const [green, amber, red] = ids as [string, string, string];
    await failWithDeadline(green, 20);
    await failWithDeadline(amber, 7);
    await failWithDeadline(red, 2);

    const root = await open('#/requests', `deadline-${red}`);
    expect((await findByTestId(root, `deadline-${green}`)).getAttribute('data-colour')).toBe('green');
    expect((await findByTestId(root, `deadline-${amber}`)).getAttribute('data-colour')).toBe('amber');
    expect((await findByTestId(root, `deadline-${red}`)).getAttribute('data-colour')).toBe('red');
    expect((await findByTestId(root, `deadline-${red}`)).textContent).toBe('console.requests.daysLeft(2)');
    expect(queryByTestId(root, `request-row-${red}`)?.textContent).toContain('portal unreachable');

    (await findByTestId(root, `request-retry-${red}`)).click();
    await eventually(() =>
      expect(queryByTestId(root, `request-row-${red}`)?.getAttribute('data-status')).not.toBe('FAILED'),
    );
    expect(queryByTestId(root, `request-retry-${red}`)).toBeNull();
    (await findByTestId(root, 'requests-refresh')).click();
    await eventually(() =>
      expect(queryByTestId(root, `request-row-${amber}`)?.getAttribute('data-status')).toBe('FAILED'),
    );
  });
});
