import { DEMO_DISMISSED_IDS } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiToken } from '../../src/modules/identity/api-token.entity.ts';
import { sha256Hex } from '../../src/modules/identity/secrets.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const ME = '{ me { userId roles tokenId } }';
const REVOKE = `mutation ($id: ID!) { revokeApiToken(id: $id) { __typename ... on ApiToken { revokedAt } ... on Error { message } } }`;
const CREATE_INTEGRATOR = `mutation ($scopes: [IntegratorScope!]!) {
  createIntegratorToken(label: "crm sync", scopes: $scopes) {
    __typename ... on IssuedToken { token apiToken { kind scopes userId } } ... on Error { message }
  }
}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const forbidden = (response: Awaited<ReturnType<TestApi['gql']>>) => response.errors?.[0]?.extensions?.code;

describe('tokens', () => {
  it('stores only the SHA-256 of a token, never the token', async () => {
    const token = await api.tokenFor(5);
    const rows = await api.services.orm.em.fork().find(ApiToken, { userId: 5 });
    expect(rows.map((r) => r.tokenHash)).toContain(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('records when a token was last used', async () => {
    const token = await api.tokenFor(6);
    const me = await api.gql(ME, {}, { token });
    const row = await api.services.orm.em.fork().findOneOrFail(ApiToken, { id: me.data?.me.tokenId });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it('stops working once signed out', async () => {
    const token = await api.tokenFor(5);
    const out = await api.gql('mutation { signOut { revokedAt } }', {}, { token });
    expect(out.data?.signOut.revokedAt).toBeTruthy();
    expect(forbidden(await api.gql(ME, {}, { token }))).toBe('FORBIDDEN');
  });

  it('lets an employee revoke their own tokens but not see or revoke anyone else’s', async () => {
    const mine = await api.tokenFor(7);
    const spare = await api.tokenFor(7);
    const theirs = await api.tokenFor(8);
    const spareId = (await api.gql(ME, {}, { token: spare })).data?.me.tokenId;
    const theirId = (await api.gql(ME, {}, { token: theirs })).data?.me.tokenId;
    expect((await api.gql(REVOKE, { id: theirId }, { token: mine })).data?.revokeApiToken.__typename).toBe(
      'NotFoundError',
    );
    expect((await api.gql(ME, {}, { token: theirs })).data?.me.userId).toBe(8);
    expect((await api.gql(REVOKE, { id: spareId }, { token: mine })).data?.revokeApiToken.__typename).toBe(
      'ApiToken',
    );
    expect(forbidden(await api.gql(ME, {}, { token: spare }))).toBe('FORBIDDEN');
    const listed = await api.gql(
      '{ apiTokens(first: 10) { edges { node { userId } } } }',
      {},
      { token: mine },
    );
    expect(listed.data?.apiTokens.edges.map((e: { node: { userId: number } }) => e.node.userId)).toEqual([
      7, 7,
    ]);
  });

  it('refuses an unknown or malformed bearer token', async () => {
    expect(forbidden(await api.gql(ME, {}, { token: 'b24g_not-a-real-token' }))).toBe('FORBIDDEN');
    expect(forbidden(await api.gql(ME, {}, { headers: { authorization: 'Basic YTpi' } }))).toBe('FORBIDDEN');
  });
});

describe('roles', () => {
  it('asks the portal who is an administrator', async () => {
    expect((await api.gql(ME, {}, { token: await api.tokenFor(1) })).data?.me.roles).toEqual([
      'EMPLOYEE',
      'ADMIN',
    ]);
    expect((await api.gql(ME, {}, { token: await api.tokenFor(5) })).data?.me.roles).toEqual(['EMPLOYEE']);
  });

  it('drops ADMIN when the portal revokes admin rights, with the same token', async () => {
    const token = await api.tokenFor(2);
    expect((await api.gql(ME, {}, { token })).data?.me.roles).toContain('ADMIN');
    api.portal.state.users.get(2)!.isAdmin = false;
    api.services.directory.forget(2); // the one-minute cache expires
    expect((await api.gql(ME, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE']);
    api.portal.state.users.get(2)!.isAdmin = true;
    api.services.directory.forget(2);
  });

  it('refuses the token of a dismissed employee', async () => {
    const token = await api.tokenFor(DEMO_DISMISSED_IDS[0]);
    expect(forbidden(await api.gql(ME, {}, { token }))).toBe('FORBIDDEN');
  });

  it('refuses anonymous callers', async () => {
    const response = await api.gql(ME);
    expect(forbidden(response)).toBe('FORBIDDEN');
    expect(response.data).toBeNull();
  });

  it('lets only administrators grant and revoke the auditor role', async () => {
    const admin = await api.tokenFor(1);
    const employee = await api.tokenFor(15);
    const grant =
      'mutation ($u: Int!) { grantAuditor(userId: $u) { __typename ... on AuditorGrant { userId grantedBy } } }';
    expect(forbidden(await api.gql(grant, { u: 15 }, { token: employee }))).toBe('FORBIDDEN');
    expect((await api.gql(grant, { u: 15 }, { token: admin })).data?.grantAuditor).toMatchObject({
      userId: 15,
      grantedBy: 1,
    });
    expect((await api.gql(ME, {}, { token: employee })).data?.me.roles).toEqual(['EMPLOYEE', 'AUDITOR']);
    const revoke =
      'mutation ($u: Int!) { revokeAuditor(userId: $u) { __typename ... on AuditorGrant { revokedAt } } }';
    expect((await api.gql(revoke, { u: 15 }, { token: admin })).data?.revokeAuditor.revokedAt).toBeTruthy();
    expect((await api.gql(ME, {}, { token: employee })).data?.me.roles).toEqual(['EMPLOYEE']);
    const unknown = await api.gql(grant, { u: 424242 }, { token: admin });
    expect(unknown.data?.grantAuditor.__typename).toBe('NotFoundError');
  });

  it('lets only administrators create integrator tokens, which act within their scopes', async () => {
    const employee = await api.tokenFor(16);
    expect(forbidden(await api.gql(CREATE_INTEGRATOR, { scopes: ['USERS_READ'] }, { token: employee }))).toBe(
      'FORBIDDEN',
    );
    const created = await api.gql(
      CREATE_INTEGRATOR,
      { scopes: ['USERS_READ', 'AUDIT_READ'] },
      { token: await api.tokenFor(1) },
    );
    const issued = created.data?.createIntegratorToken;
    expect(issued.apiToken).toEqual({
      kind: 'INTEGRATOR',
      scopes: ['USERS_READ', 'AUDIT_READ'],
      userId: null,
    });
    expect((await api.gql(ME, {}, { token: issued.token })).data?.me).toMatchObject({
      userId: null,
      roles: ['INTEGRATOR'],
    });
    // Employee-only fields stay closed to an integrator.
    expect(
      forbidden(await api.gql('{ apiTokens { edges { node { id } } } }', {}, { token: issued.token })),
    ).toBe('FORBIDDEN');
    const none = await api.gql(CREATE_INTEGRATOR, { scopes: [] }, { token: await api.tokenFor(1) });
    expect(none.data?.createIntegratorToken.__typename).toBe('InvalidInputError');
  });
});
