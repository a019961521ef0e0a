import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi({ env: { BITRIX24_PLAN: 'enterprise' } });
  admin = await api.tokenFor(1);
  await api.gql(
    'mutation { updateSettings(input: { erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
});
afterAll(() => api.close());

const exportFor = async (userId: number, token: string) =>
  (
    await api.gql(
      `mutation { requestDataExport(userId: ${userId}) { ... on DataSubjectRequest { id } } }`,
      {},
      { token },
    )
  ).data?.requestDataExport.id as string;

describe('a misbehaving portal', { timeout: 180_000 }, () => {
  // Faults start once a request is accepted: the claim is about the background job, which must ride them out.
  const storm = () => {
    api.portal.faults.inject({ kind: 'rate-limit', count: 15 });
    api.portal.faults.inject({ kind: 'internal-error', count: 6 });
    api.portal.faults.inject({ kind: 'drop-connection', count: 4 });
  };

  it('an export completes through rate-limit storms, 500s and dropped connections', async () => {
    const token = await api.tokenFor(20);
    const id = await exportFor(20, token);
    storm();
    const done = await waitForRequest(api, id, admin);
    api.portal.faults.clear();
    expect(done.status, done.error).toBe('COMPLETED');
    const rows = Object.fromEntries(done.result.manifest.categories.map((c: any) => [c.name, c.rows]));
    // The same numbers the portal holds, despite the storm.
    expect(rows.profile).toBeGreaterThan(20); // one row per profile field
    expect(rows.posts).toBe([...api.portal.state.posts.values()].filter((p) => p.authorId === 20).length);
    expect(rows.tasks).toBe(
      [...api.portal.state.tasks.values()].filter((t) => t.createdBy === 20 || t.responsibleId === 20).length,
    );
  });

  it('an erasure completes through the same faults, deleting each message exactly once', async () => {
    const subjectId = 21;
    const room = api.portal.seed.chat([subjectId, 3], { type: 'chat', title: 'Ops' });
    const messages = api.portal.seed.messages(room.id, 300, { authorIds: [subjectId] });
    const preview = (
      await api.gql(
        `mutation { previewErasure(userId: ${subjectId}) { ... on ErasurePreview { token } } }`,
        {},
        { token: admin },
      )
    ).data?.previewErasure;
    api.portal.faults.inject({ kind: 'rate-limit', count: 15 });
    api.portal.faults.inject({ kind: 'internal-error', count: 6 });
    api.portal.faults.inject({ kind: 'drop-connection', count: 4 });
    const confirmed = (
      await api.gql(
        `mutation ($t: String!) { eraseUser(userId: ${subjectId}, previewToken: $t) { ... on DataSubjectRequest { id } } }`,
        { t: preview.token },
        { token: admin },
      )
    ).data?.eraseUser;
    const done = await waitForRequest(api, confirmed.id, admin);
    api.portal.faults.clear();
    expect(done.status, done.error).toBe('COMPLETED');
    expect(
      messages.map((m) => api.portal.counters.calls('im.message.delete', m.id)).filter((n) => n !== 1),
    ).toEqual([]);
  });
});

describe('a failed request', { timeout: 120_000 }, () => {
  it('fails with its reason when the portal refuses our credentials, and resumes when an administrator retries', async () => {
    const token = await api.tokenFor(23);
    const id = await exportFor(23, token);
    api.portal.faults.inject({ kind: 'expired-token' });
    const failed = await waitForRequest(api, id, admin);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/expired_token/);
    api.portal.faults.clear();
    const retried = await api.gql(
      `mutation { retryRequest(id: "${failed.id}") { __typename ... on DataSubjectRequest { status } } }`,
      {},
      { token: admin },
    );
    expect(retried.data?.retryRequest.status).toBe('PENDING');
    expect((await waitForRequest(api, failed.id, admin)).status).toBe('COMPLETED');
    // Employees cannot retry.
    const byEmployee = await api.gql(
      `mutation { retryRequest(id: "${failed.id}") { __typename } }`,
      {},
      { token },
    );
    expect(byEmployee.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
