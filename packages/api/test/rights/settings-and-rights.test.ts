import { DEMO_DISMISSED_IDS } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

const SETTINGS = `{ settings { anonymisationEnabled erasureEnabled defaultRights { canAnonymise canErase } exportLinkTtlDays dismissedAutoAnonymise { enabled afterDays } version } }`;
const UPDATE = `mutation ($input: SettingsInput!) {
  updateSettings(input: $input) {
    __typename
    ... on Settings { anonymisationEnabled erasureEnabled defaultRights { canAnonymise canErase } exportLinkTtlDays version }
    ... on InvalidInputError { field message }
  }
}`;
const RIGHTS = `query ($u: Int!) {
  userRights(userId: $u) {
    __typename
    ... on UserRights { userId canAnonymise canErase isDefault actions { action allowed rule message } }
    ... on NotFoundError { message }
  }
}`;
const SET_RIGHTS = `mutation ($ids: [Int!]!, $a: Boolean, $e: Boolean) {
  setUserRights(userIds: $ids, canAnonymise: $a, canErase: $e) {
    __typename
    ... on MutationSetUserRightsSuccess { data { userId canAnonymise canErase isDefault } }
    ... on Error { message }
  }
}`;

let api: TestApi;
let admin: string;
let employee: string;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
  employee = await api.tokenFor(5);
});
afterAll(() => api.close());

const forbidden = (r: Awaited<ReturnType<TestApi['gql']>>) => r.errors?.[0]?.extensions?.code;

describe('application settings', () => {
  it('start with both master switches off', async () => {
    const { data } = await api.gql(SETTINGS, {}, { token: employee });
    expect(data?.settings).toEqual({
      anonymisationEnabled: false,
      erasureEnabled: false,
      defaultRights: { canAnonymise: false, canErase: false },
      exportLinkTtlDays: 7,
      dismissedAutoAnonymise: { enabled: false, afterDays: 30 },
      version: 0,
    });
  });

  it('change only where an administrator says so, one field at a time', async () => {
    const first = (await api.gql(UPDATE, { input: { anonymisationEnabled: true } }, { token: admin })).data
      ?.updateSettings;
    expect(first).toMatchObject({ anonymisationEnabled: true, erasureEnabled: false, version: 1 });
    const second = (await api.gql(UPDATE, { input: { defaultRights: { canErase: true } } }, { token: admin }))
      .data?.updateSettings;
    expect(second).toMatchObject({
      anonymisationEnabled: true,
      defaultRights: { canAnonymise: false, canErase: true },
      version: 2,
    });
  });

  it('include the impersonation alerts and the audit retention, validated like the rest', async () => {
    const q = `mutation ($input: SettingsInput!) { updateSettings(input: $input) { __typename
      ... on Settings { auditRetentionDays impersonation { alertRecipients notifyImpersonatedUser maxMinutes } }
      ... on InvalidInputError { field } } }`;
    const ok = (
      await api.gql(
        q,
        { input: { auditRetentionDays: 730, impersonation: { alertRecipients: [1, 2] } } },
        { token: admin },
      )
    ).data?.updateSettings;
    expect(ok).toEqual({
      __typename: 'Settings',
      auditRetentionDays: 730,
      impersonation: { alertRecipients: [1, 2], notifyImpersonatedUser: true, maxMinutes: 480 },
    });
    const bad = (await api.gql(q, { input: { impersonation: { maxMinutes: 1 } } }, { token: admin })).data
      ?.updateSettings;
    expect(bad).toMatchObject({ __typename: 'InvalidInputError', field: 'impersonation.maxMinutes' });
  });

  it('refuse employees', async () => {
    expect(forbidden(await api.gql(UPDATE, { input: { erasureEnabled: true } }, { token: employee }))).toBe(
      'FORBIDDEN',
    );
    expect((await api.gql(SETTINGS, {}, { token: admin })).data?.settings.erasureEnabled).toBe(false);
  });

  it('refuse a bad value with a typed error and change nothing', async () => {
    const before = (await api.gql(SETTINGS, {}, { token: admin })).data?.settings;
    const bad = (
      await api.gql(UPDATE, { input: { erasureEnabled: true, exportLinkTtlDays: 0 } }, { token: admin })
    ).data?.updateSettings;
    expect(bad).toMatchObject({ __typename: 'InvalidInputError', field: 'exportLinkTtlDays' });
    expect((await api.gql(SETTINGS, {}, { token: admin })).data?.settings).toEqual(before);
  });
});

describe('per-user rights', () => {
  it('follow the defaults until set, and say which rule blocks each action', async () => {
    const rights = (await api.gql(RIGHTS, { u: 5 }, { token: employee })).data?.userRights;
    // Defaults from the settings test above: canErase true, canAnonymise false.
    expect(rights).toMatchObject({ userId: 5, canAnonymise: false, canErase: true, isDefault: true });
    const byAction = Object.fromEntries(rights.actions.map((a: any) => [a.action, a]));
    expect(byAction.EXPORT).toMatchObject({ allowed: true, rule: null });
    expect(byAction.ANONYMISE).toMatchObject({ allowed: false, rule: 'NO_ANONYMISE_RIGHT' });
    expect(byAction.ERASE).toMatchObject({ allowed: false, rule: 'ERASURE_DISABLED' });
  });

  it('are set by an administrator for many users at once', async () => {
    const result = (await api.gql(SET_RIGHTS, { ids: [5, 6, 7], a: true }, { token: admin })).data
      ?.setUserRights;
    expect(result.data).toEqual([
      { userId: 5, canAnonymise: true, canErase: true, isDefault: false },
      { userId: 6, canAnonymise: true, canErase: true, isDefault: false },
      { userId: 7, canAnonymise: true, canErase: true, isDefault: false },
    ]);
    await api.gql(SET_RIGHTS, { ids: [6], e: false }, { token: admin });
    const six = (await api.gql(RIGHTS, { u: 6 }, { token: admin })).data?.userRights;
    expect(six).toMatchObject({ canAnonymise: true, canErase: false });
  });

  it('cannot be set by an employee, nor read for someone else', async () => {
    expect(forbidden(await api.gql(SET_RIGHTS, { ids: [5], a: true }, { token: employee }))).toBe(
      'FORBIDDEN',
    );
    expect((await api.gql(RIGHTS, { u: 6 }, { token: employee })).data?.userRights.__typename).toBe(
      'NotFoundError',
    );
  });

  it('refuse unknown users and empty changes, changing nothing', async () => {
    const unknown = (await api.gql(SET_RIGHTS, { ids: [8, 424242], a: true }, { token: admin })).data
      ?.setUserRights;
    expect(unknown).toMatchObject({ __typename: 'NotFoundError' });
    expect((await api.gql(RIGHTS, { u: 8 }, { token: admin })).data?.userRights.isDefault).toBe(true);
    const empty = (await api.gql(SET_RIGHTS, { ids: [8] }, { token: admin })).data?.setUserRights;
    expect(empty).toMatchObject({ __typename: 'InvalidInputError' });
  });
});

describe('user lists', () => {
  const USERS = `query ($first: Int, $after: String, $filter: UserFilter) {
    users(first: $first, after: $after, filter: $filter) { edges { node { id name active rights { canErase } } } pageInfo { hasNextPage endCursor } }
  }`;

  it('page through every employee in id order', async () => {
    const ids: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { data }: { data?: any } = await api.gql(USERS, { first: 20, after }, { token: admin });
      ids.push(...(data?.users.edges ?? []).map((e: any) => e.node.id));
      if (!data?.users.pageInfo.hasNextPage) break;
      after = data.users.pageInfo.endCursor;
    }
    const expected = [...api.portal.state.users.values()]
      .filter((u) => u.USER_TYPE === 'employee')
      .map((u) => Number(u.ID));
    expect(ids).toEqual(expected.sort((a, b) => a - b));
  });

  it("decide each listed user's actions without asking the portal about them one by one", async () => {
    api.services.directory.forget();
    const before = api.portal.counters.calls('user.get');
    const { data } = await api.gql(
      '{ users(first: 20) { edges { node { id rights { actions { action allowed } } } } } }',
      {},
      { token: admin },
    );
    expect(data?.users.edges).toHaveLength(20);
    // The listing itself reads one portal page; the decisions reuse it instead of 20 more user.get calls.
    expect(api.portal.counters.calls('user.get') - before).toBeLessThanOrEqual(2);
  });

  it('search by name', async () => {
    const anna = api.portal.state.users.get(9)!;
    const { data } = await api.gql(USERS, { filter: { search: anna.LAST_NAME } }, { token: admin });
    expect(data?.users.edges.map((e: any) => e.node.id)).toContain(9);
  });

  it('list the dismissed employees', async () => {
    const { data } = await api.gql(
      '{ dismissedUsers { edges { node { id active } } } }',
      {},
      { token: admin },
    );
    expect(data?.dismissedUsers.edges.map((e: any) => e.node.id)).toEqual([...DEMO_DISMISSED_IDS]);
    expect(
      forbidden(await api.gql('{ dismissedUsers { edges { node { id } } } }', {}, { token: employee })),
    ).toBe('FORBIDDEN');
  });
});
