import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const FIELDS =
  '__typename ... on DataSubjectRequest { id type status source subjectUserId requesterUserId dueAt receivedAt daysLeft acceptedUnder } ... on PolicyRefusedError { rule message } ... on NotFoundError { message } ... on InvalidInputError { field message }';
const EXPORT = `mutation ($u: Int!) { requestDataExport(userId: $u) { ${FIELDS} } }`;
const ANONYMISE = `mutation ($u: Int!) { requestAnonymisation(userId: $u) { ${FIELDS} } }`;
const CANCEL = `mutation ($id: ID!) { cancelRequest(id: $id) { __typename ... on DataSubjectRequest { status } ... on Error { message } } }`;

let api: TestApi;
let admin: string;
beforeAll(async () => {
  // No job workers: requests stay as they were accepted, so the rules can be read off them.
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
});
afterAll(() => api.close());

const count = () => api.services.orm.em.fork().count(DataSubjectRequest, {});

describe('requests', () => {
  it('an employee may always ask for their data; the deadline is one month out', async () => {
    const token = await api.tokenFor(5);
    const r = (await api.gql(EXPORT, { u: 5 }, { token })).data?.requestDataExport;
    expect(r).toMatchObject({
      __typename: 'DataSubjectRequest',
      type: 'EXPORT',
      status: 'PENDING',
      source: 'SELF',
      subjectUserId: 5,
      requesterUserId: 5,
    });
    const received = new Date(r.receivedAt);
    const due = new Date(r.dueAt);
    expect(due.getUTCDate()).toBe(Math.min(received.getUTCDate(), due.getUTCDate()));
    expect((due.getTime() - received.getTime()) / 86_400_000).toBeGreaterThanOrEqual(28);
    expect((due.getTime() - received.getTime()) / 86_400_000).toBeLessThanOrEqual(31);
    expect(r.daysLeft).toBeGreaterThanOrEqual(27);
    expect(r.acceptedUnder).toMatchObject({
      settingsVersion: 0,
      switches: { anonymisationEnabled: false },
      decision: { allowed: true },
    });
  });

  it('a second request while one is open is answered with the first', async () => {
    const token = await api.tokenFor(6);
    const first = (await api.gql(EXPORT, { u: 6 }, { token })).data?.requestDataExport;
    const before = await count();
    const second = (await api.gql(EXPORT, { u: 6 }, { token })).data?.requestDataExport;
    expect(second.id).toBe(first.id);
    expect(await count()).toBe(before);
  });

  it('concurrent requests for the same subject make one request', async () => {
    const token = await api.tokenFor(7);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.gql(EXPORT, { u: 7 }, { token })));
    const ids = new Set(answers.map((a) => a.data?.requestDataExport.id));
    expect(ids.size).toBe(1);
  });

  it('refuses anonymisation while the switch is off, saying which rule, and records nothing', async () => {
    const token = await api.tokenFor(8);
    const before = await count();
    const r = (await api.gql(ANONYMISE, { u: 8 }, { token })).data?.requestAnonymisation;
    expect(r).toMatchObject({ __typename: 'PolicyRefusedError', rule: 'ANONYMISATION_DISABLED' });
    expect(await count()).toBe(before);
  });

  it('refuses an employee acting on someone else, and an administrator exporting another’s data', async () => {
    const token = await api.tokenFor(9);
    expect((await api.gql(EXPORT, { u: 10 }, { token })).data?.requestDataExport).toMatchObject({
      rule: 'NOT_YOUR_DATA',
    });
    expect((await api.gql(EXPORT, { u: 10 }, { token: admin })).data?.requestDataExport).toMatchObject({
      rule: 'ADMIN_EXPORT_OWN_ONLY',
    });
  });

  it('refuses an administrator anonymising themselves, even with the switch on', async () => {
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: true }) { __typename } }',
      {},
      { token: admin },
    );
    const r = (await api.gql(ANONYMISE, { u: 1 }, { token: admin })).data?.requestAnonymisation;
    expect(r).toMatchObject({ __typename: 'PolicyRefusedError', rule: 'ADMIN_SELF' });
    const other = (await api.gql(ANONYMISE, { u: 12 }, { token: admin })).data?.requestAnonymisation;
    expect(other).toMatchObject({
      __typename: 'DataSubjectRequest',
      source: 'ADMIN',
      subjectUserId: 12,
      requesterUserId: 1,
    });
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: false }) { __typename } }',
      {},
      { token: admin },
    );
  });

  it('answers an unknown user with NotFoundError', async () => {
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: true }) { __typename } }',
      {},
      { token: admin },
    );
    const r = (await api.gql(ANONYMISE, { u: 424242 }, { token: admin })).data?.requestAnonymisation;
    expect(r).toMatchObject({ __typename: 'NotFoundError' });
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: false }) { __typename } }',
      {},
      { token: admin },
    );
  });

  it('lets the subject cancel an open request, once', async () => {
    const token = await api.tokenFor(13);
    const r = (await api.gql(EXPORT, { u: 13 }, { token })).data?.requestDataExport;
    const cancelled = await api.gql(CANCEL, { id: r.id }, { token });
    expect(cancelled.data?.cancelRequest).toMatchObject({ status: 'CANCELLED' });
    expect((await api.gql(CANCEL, { id: r.id }, { token })).data?.cancelRequest).toMatchObject({
      __typename: 'InvalidInputError',
    });
    // Someone else's request is invisible.
    const other = await api.tokenFor(14);
    expect((await api.gql(CANCEL, { id: r.id }, { token: other })).data?.cancelRequest).toMatchObject({
      __typename: 'NotFoundError',
    });
  });

  it('anonymises many dismissed employees at once, reporting each one', async () => {
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: true }) { __typename } }',
      {},
      { token: admin },
    );
    const BULK = `mutation ($ids: [Int!]!) { requestAnonymisations(userIds: $ids) { __typename
      ... on MutationRequestAnonymisationsSuccess { data { userId request { type status source } refusal { kind message rule } } }
      ... on InvalidInputError { message } } }`;
    const result = (await api.gql(BULK, { ids: [22, 33, 2, 424242] }, { token: admin })).data
      ?.requestAnonymisations;
    const byUser = Object.fromEntries(result.data.map((o: any) => [o.userId, o]));
    expect(byUser[22].request).toMatchObject({ type: 'ANONYMISE', status: 'PENDING', source: 'ADMIN' });
    expect(byUser[33].request).toMatchObject({ type: 'ANONYMISE' });
    expect(byUser[2].refusal).toMatchObject({ kind: 'PolicyRefusedError', rule: 'SUBJECT_IS_ADMIN' });
    expect(byUser[424242].refusal).toMatchObject({ kind: 'NotFoundError', rule: null });
    const tooMany = (
      await api.gql(BULK, { ids: Array.from({ length: 201 }, (_, i) => i + 1) }, { token: admin })
    ).data;
    expect(tooMany?.requestAnonymisations.__typename).toBe('InvalidInputError');
    const employee = await api.tokenFor(5);
    expect((await api.gql(BULK, { ids: [22] }, { token: employee })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    await api.gql(
      'mutation { updateSettings(input: { anonymisationEnabled: false }) { __typename } }',
      {},
      { token: admin },
    );
  });

  it('lists requests: employees see their own, administrators see all', async () => {
    const LIST = '{ dataSubjectRequests(first: 50) { edges { node { subjectUserId } } } }';
    const mine = (await api.gql(LIST, {}, { token: await api.tokenFor(5) })).data?.dataSubjectRequests.edges;
    expect(new Set(mine.map((e: any) => e.node.subjectUserId))).toEqual(new Set([5]));
    const all = (await api.gql(LIST, {}, { token: admin })).data?.dataSubjectRequests.edges;
    expect(new Set(all.map((e: any) => e.node.subjectUserId))).toEqual(new Set([5, 6, 7, 12, 13, 22, 33]));
  });
});
