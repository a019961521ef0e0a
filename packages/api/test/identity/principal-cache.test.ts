import type { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiToken } from '../../src/modules/identity/api-token.entity.ts';
import { PrincipalService } from '../../src/modules/identity/principal.service.ts';
import type { TokenService } from '../../src/modules/identity/token.service.ts';
import type { PortalDirectory } from '../../src/modules/portal/portal-directory.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/**
 * The principal cache (principal.service.ts) keeps token lookups a few seconds. These tests hold it to
 * its promises: a change made through this process takes effect on the next request, one made elsewhere
 * within the cache's lifetime, and a lookup that raced a change is not remembered.
 */
const ME = '{ me { userId roles tokenId } }';
const EVENTS = `query { auditEvents(first: 50) { __typename ... on QueryAuditEventsConnection { edges { node { actor action } } } } }`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
});
afterAll(() => api.close());

const forbidden = (response: Awaited<ReturnType<TestApi['gql']>>) => response.errors?.[0]?.extensions?.code;

describe('principal cache, through GraphQL', () => {
  it('refuses a token revoked by an administrator on the very next request', async () => {
    const token = await api.tokenFor(9);
    const tokenId = (await api.gql(ME, {}, { token })).data?.me.tokenId;
    expect((await api.gql(ME, {}, { token })).data?.me.userId).toBe(9); // now remembered
    const revoke = `mutation ($id: ID!) { revokeApiToken(id: $id) { __typename } }`;
    const admin = await api.tokenFor(1);
    expect((await api.gql(revoke, { id: tokenId }, { token: admin })).data?.revokeApiToken.__typename).toBe(
      'ApiToken',
    );
    expect(forbidden(await api.gql(ME, {}, { token }))).toBe('FORBIDDEN');
  });

  it('takes the auditor role away on the next request: the former auditor reads only events about them', async () => {
    const admin = await api.tokenFor(1);
    const auditor = await api.tokenFor(12);
    await api.gql(RECORD, { events: [event('own'), event('own2')] }, { token: auditor });
    await api.gql(RECORD, { events: [event('admins')] }, { token: admin });
    await api.gql(`mutation { grantAuditor(userId: 12) { __typename } }`, {}, { token: admin });
    // The administrator's own message.edited is about nobody but them.
    const seen = async () =>
      new Set(
        (await api.gql(EVENTS, {}, { token: auditor })).data?.auditEvents.edges.map(
          (e: { node: { actor: string; action: string } }) => `${e.node.actor} ${e.node.action}`,
        ),
      );
    expect(await seen()).toContain('1 message.edited');
    expect((await api.gql(ME, {}, { token: auditor })).data?.me.roles).toContain('AUDITOR');
    await api.gql(`mutation { revokeAuditor(userId: 12) { __typename } }`, {}, { token: admin });
    expect((await api.gql(ME, {}, { token: auditor })).data?.me.roles).toEqual(['EMPLOYEE']);
    expect(await seen()).not.toContain('1 message.edited');
    expect(await seen()).toContain('12 message.edited');
  });
});

const RECORD = `mutation ($events: [AuditEventInput!]!) { recordEvents(events: $events) { __typename } }`;
const event = (key: string) => ({
  idempotencyKey: `principal-cache-${key}`,
  action: 'message.edited',
  occurredAt: new Date().toISOString(),
});

describe('principal cache, its bounds', () => {
  it('refuses a token revoked by another process once the cache lifetime has passed', async () => {
    let now = 1_000_000;
    const principals = new PrincipalService(api.services.tokens, api.services.directory, {
      ttlMs: 5_000,
      now: () => now,
    });
    const token = await api.tokenFor(10);
    const header = `Bearer ${token}`;
    expect((await principals.fromAuthorization(api.services.orm.em.fork(), header)).kind).toBe('user');
    // The CLI (`token revoke`) writes the row from its own process; nothing tells this one.
    await api.services.orm.em.fork().nativeUpdate(ApiToken, { userId: 10 }, { revokedAt: new Date() });
    now += 5_001;
    expect((await principals.fromAuthorization(api.services.orm.em.fork(), header)).kind).toBe('anonymous');
  });

  it('does not remember a lookup that was under way when a change was announced', async () => {
    const fake = fakeTokens();
    const principals = new PrincipalService(fake.tokens, activeDirectory);
    const em = { count: async () => 0 } as unknown as EntityManager;
    const pending = principals.fromAuthorization(em, 'Bearer b24g_one');
    principals.forget(); // e.g. a revocation committed while the token row was being read
    fake.release();
    expect((await pending).kind).toBe('user');
    await principals.fromAuthorization(em, 'Bearer b24g_one');
    expect(fake.calls()).toBe(2);
    await principals.fromAuthorization(em, 'Bearer b24g_one');
    expect(fake.calls()).toBe(2); // this time it was remembered
  });

  it('remembers a bounded number of tokens, dropping the least recently used', async () => {
    const fake = fakeTokens();
    fake.release();
    const principals = new PrincipalService(fake.tokens, activeDirectory, { max: 2 });
    const em = { count: async () => 0 } as unknown as EntityManager;
    const use = (name: string) => principals.fromAuthorization(em, `Bearer b24g_${name}`);
    await use('a');
    await use('b');
    await use('a'); // a is now the most recently used
    await use('c'); // drops b
    expect(fake.calls()).toBe(3);
    await use('a');
    await use('c');
    expect(fake.calls()).toBe(3);
    await use('b');
    expect(fake.calls()).toBe(4);
  });
});

const activeDirectory = {
  getUser: async (id: number) => ({ id, active: true }),
  isAdmin: async () => false,
} as unknown as PortalDirectory;

/** A token service whose lookups wait until released, counting them. */
function fakeTokens() {
  let calls = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tokens = {
    authenticate: async (_em: EntityManager, presented: string) => {
      calls++;
      await released;
      return { id: presented, kind: 'USER', userId: 3, scopes: [] };
    },
  } as unknown as TokenService;
  return { tokens, release: () => release(), calls: () => calls };
}
