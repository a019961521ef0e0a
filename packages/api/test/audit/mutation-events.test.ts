import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.tokenFor(1);
});
afterAll(() => api.close());

const EVENTS = `query ($f: AuditEventFilter) { auditEvents(filter: $f, first: 100) {
  ... on QueryAuditEventsConnection { edges { node { action actor onBehalfOf targetType targetId ip metadata } } } } }`;
const events = async (filter: Record<string, unknown>) =>
  (await api.gql(EVENTS, { f: filter }, { token: admin })).data?.auditEvents.edges.map((e: any) => e.node) ??
  [];

describe('every mutation writes its audit event with its change', () => {
  it('settings and rights changes are logged with who, from where and what', async () => {
    await api.gql(
      'mutation { updateSettings(input: { erasureEnabled: true, anonymisationEnabled: true }) { __typename } }',
      {},
      { token: admin },
    );
    const [settings] = await events({ actionPrefix: 'settings' });
    expect(settings).toMatchObject({ action: 'settings.updated', actor: '1', ip: 'local' });
    expect(settings.metadata.changed.sort()).toEqual(['anonymisationEnabled', 'erasureEnabled']);

    await api.gql(
      'mutation { setUserRights(userIds: [30, 31], canErase: true) { __typename } }',
      {},
      { token: admin },
    );
    const rights = await events({ actionPrefix: 'rights' });
    expect(rights.map((e: any) => e.targetId).sort()).toEqual(['30', '31']);
  });

  it('a refused mutation changes nothing and logs nothing', async () => {
    const before = (await events({ actionPrefix: 'settings' })).length;
    const employee = await api.tokenFor(32);
    await api.gql(
      'mutation { updateSettings(input: { erasureEnabled: false }) { __typename } }',
      {},
      { token: employee },
    );
    await api.gql(
      'mutation { updateSettings(input: { exportLinkTtlDays: 0 }) { __typename } }',
      {},
      { token: admin },
    );
    expect(await events({ actionPrefix: 'settings' })).toHaveLength(before);
  });

  it('a request is logged when accepted and when finished', async () => {
    const token = await api.tokenFor(33 + 1);
    const started = (
      await api.gql(
        'mutation { requestDataExport(userId: 34) { ... on DataSubjectRequest { id } } }',
        {},
        { token },
      )
    ).data?.requestDataExport;
    await waitForRequest(api, started.id, admin);
    const logged = await events({ actionPrefix: 'dsr.export' });
    expect(logged.map((e: any) => e.action)).toEqual(['dsr.export.completed', 'dsr.export.requested']);
    expect(logged[1]).toMatchObject({ actor: '34', targetType: 'user', targetId: '34' });
    expect(logged[0]).toMatchObject({ targetType: 'request', targetId: started.id });
  });

  it('after an erasure the log no longer names the subject, and the chain still verifies', async () => {
    const subjectId = 35;
    await api.gql(
      `mutation { setUserRights(userIds: [${subjectId}], canAnonymise: true) { __typename } }`,
      {},
      { token: admin },
    );
    expect((await events({ subject: String(subjectId) })).length).toBeGreaterThan(0);
    const preview = (
      await api.gql(
        `mutation { previewErasure(userId: ${subjectId}) { ... on ErasurePreview { token } } }`,
        {},
        { token: admin },
      )
    ).data?.previewErasure;
    const confirmed = (
      await api.gql(
        `mutation ($t: String!) { eraseUser(userId: ${subjectId}, previewToken: $t) { ... on DataSubjectRequest { id } } }`,
        { t: preview.token },
        { token: admin },
      )
    ).data?.eraseUser;
    expect((await waitForRequest(api, confirmed.id, admin)).status).toBe('COMPLETED');
    expect(await events({ subject: String(subjectId) })).toEqual([]);
    const pseudonym = api.services.secret.pseudonymousId(subjectId);
    expect((await events({ subject: pseudonym })).map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['rights.updated', 'dsr.erase.previewed', 'dsr.erase.confirmed']),
    );
    const verified = (
      await api.gql('{ verifyAuditLog { __typename ... on AuditVerification { ok } } }', {}, { token: admin })
    ).data;
    expect(JSON.stringify(verified)).toContain('"ok":true');
  });

  it('sign-in and sign-out are logged', async () => {
    await api.gql('mutation { requestSignInCode(login: "36") { __typename } }');
    let code = '';
    for (let i = 0; i < 100 && !code; i++) {
      const note = [...api.portal.state.notifications.values()]
        .reverse()
        .find((n) => n.userId === 36 && /sign-in code is/.test(n.message));
      code = note ? /(\d{6})/.exec(note.message)![1]! : '';
      if (!code) await new Promise((r) => setTimeout(r, 50));
    }
    const token = (
      await api.gql(`mutation { signIn(login: "36", code: "${code}") { ... on IssuedToken { token } } }`)
    ).data?.signIn.token;
    await api.gql('mutation { signOut { revokedAt } }', {}, { token });
    const logged = await events({ actor: '36', actionPrefix: 'auth' });
    expect(logged.map((e: any) => e.action)).toEqual(['auth.signout', 'auth.signin']);
  });
});
