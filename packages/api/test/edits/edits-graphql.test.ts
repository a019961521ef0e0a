import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let admin: string;
let auditor: string;
let employee: string;

const HISTORY = `query ($t: ContentEntityType!, $id: String!) {
  editHistory(entityType: $t, entityId: $id) {
    __typename
    ... on EditHistory { versions { version { version text editor source deleted } diff { kind text } } }
    ... on InvalidInputError { field message }
  }
}`;

const SUMMARIES = `query ($refs: [ContentRefInput!]!) {
  editSummaries(refs: $refs) {
    __typename
    ... on EditSummaries { items { entityType entityId versionCount editCount lastEditedAt deleted editedWhileImpersonating } }
    ... on InvalidInputError { field message }
  }
}`;

beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
  employee = await api.tokenFor(9);
  auditor = await api.tokenFor(15);
  const grant = await api.gql('mutation { grantAuditor(userId: 15) { __typename } }', {}, { token: admin });
  expect(grant.data?.grantAuditor.__typename).toBe('AuditorGrant');
});
afterAll(async () => {
  await api?.close();
});

const record = (entityType: 'POST' | 'MESSAGE', entityId: string, text: string) =>
  api.services.edits.recordVersion(api.services.orm.em.fork(), {
    entityType,
    entityId,
    text,
    editedAt: new Date(),
    editor: 3,
    source: 'extension',
  });

describe('editHistory', () => {
  it('returns untrusted text verbatim, as text parts of the word diff', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await record('MESSAGE', '501', 'hello world');
    await record('MESSAGE', '501', `hello ${evil} world`);
    const res = await api.gql(HISTORY, { t: 'MESSAGE', id: '501' }, { token: auditor });
    const versions = res.data?.editHistory.versions;
    expect(versions).toHaveLength(2);
    expect(versions[0].diff).toEqual([{ kind: 'ADDED', text: 'hello world' }]);
    expect(versions[1].version.text).toBe(`hello ${evil} world`);
    const added = versions[1].diff.filter((p: { kind: string }) => p.kind === 'ADDED');
    expect(added.map((p: { text: string }) => p.text).join('')).toContain(evil);
    expect(versions[1].diff.map((p: { text: string }) => p.text).join('')).toContain(evil);
    expect(versions[1].diff.filter((p: { kind: string }) => p.kind === 'REMOVED')).toEqual([]);
  });

  it('refuses a malformed id with a typed error', async () => {
    const res = await api.gql(HISTORY, { t: 'POST', id: '1 or 1=1' }, { token: admin });
    expect(res.data?.editHistory).toMatchObject({ __typename: 'InvalidInputError', field: 'ref.entityId' });
  });

  it('is for auditors and administrators only', async () => {
    const res = await api.gql(HISTORY, { t: 'MESSAGE', id: '501' }, { token: employee });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data?.editHistory ?? null).toBeNull();
    const anonymous = await api.gql(HISTORY, { t: 'MESSAGE', id: '501' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('editSummaries', () => {
  it('answers 500 refs in one request with correct counts', async () => {
    await record('POST', '900001', 'a');
    await record('POST', '900001', 'b');
    await record('POST', '900001', 'c');
    await record('MESSAGE', '900002', 'only');
    const refs = Array.from({ length: 500 }, (_, i) => ({
      entityType: i % 2 === 0 ? 'POST' : 'MESSAGE',
      entityId: String(900_001 + i),
    }));
    const started = performance.now();
    const res = await api.gql(SUMMARIES, { refs }, { token: admin });
    const items = res.data?.editSummaries.items;
    expect(items).toHaveLength(500);
    expect(items[0]).toMatchObject({ entityType: 'POST', entityId: '900001', versionCount: 3, editCount: 2 });
    expect(items[0].lastEditedAt).toBeTruthy();
    expect(items[1]).toMatchObject({
      entityType: 'MESSAGE',
      entityId: '900002',
      versionCount: 1,
      editCount: 0,
    });
    expect(items[2]).toMatchObject({ versionCount: 0, lastEditedAt: null, editedWhileImpersonating: false });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses 501 refs, unknown types and bad ids', async () => {
    const refs = Array.from({ length: 501 }, (_, i) => ({ entityType: 'POST', entityId: String(i + 1) }));
    const res = await api.gql(SUMMARIES, { refs }, { token: admin });
    expect(res.data?.editSummaries).toMatchObject({ __typename: 'InvalidInputError', field: 'refs' });
    const bad = await api.gql(
      SUMMARIES,
      { refs: [{ entityType: 'POST', entityId: '-1' }] },
      { token: admin },
    );
    expect(bad.data?.editSummaries).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'refs[0].entityId',
    });
    const unknown = await api.gql(
      SUMMARIES,
      { refs: [{ entityType: 'WIKI', entityId: '1' }] },
      { token: admin },
    );
    expect(unknown.errors?.[0]?.message).toMatch(/WIKI/);
  });

  it('allows auditors and administrators, refuses employees', async () => {
    const refs = [{ entityType: 'POST', entityId: '900001' }];
    expect(
      (await api.gql(SUMMARIES, { refs }, { token: auditor })).data?.editSummaries.items[0].versionCount,
    ).toBe(3);
    expect(
      (await api.gql(SUMMARIES, { refs }, { token: admin })).data?.editSummaries.items[0].versionCount,
    ).toBe(3);
    const refused = await api.gql(SUMMARIES, { refs }, { token: employee });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('allows integrators holding audit:read, and only them', async () => {
    const issue = async (scopes: string[]) =>
      (await api.services.tokens.issueIntegratorToken(api.services.orm.em.fork(), scopes, 'siem', 1)).token;
    const refs = [{ entityType: 'POST', entityId: '900001' }];
    const reader = await api.gql(SUMMARIES, { refs }, { token: await issue(['audit:read']) });
    expect(reader.data?.editSummaries.items[0].versionCount).toBe(3);
    const other = await api.gql(SUMMARIES, { refs }, { token: await issue(['requests:read']) });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('editSummaries and impersonation sessions', () => {
  it('flags items edited in a session recorded as "log in as"', async () => {
    const { orm } = api.services;
    const impersonated = 'c'.repeat(64);
    const em = orm.em.fork();
    em.create(ImpersonationSession, {
      adminUserId: 1,
      impersonatedUserId: 9,
      sessionKey: impersonated,
      ip: '127.0.0.1',
      source: 'extension',
      startedAt: new Date(),
    });
    await em.flush();
    const at = { editedAt: new Date(), editor: 9, source: 'extension' as const };
    await api.services.edits.recordVersion(orm.em.fork(), {
      entityType: 'POST',
      entityId: '950001',
      text: 'a',
      ...at,
    });
    await api.services.edits.recordVersion(orm.em.fork(), {
      entityType: 'POST',
      entityId: '950001',
      text: 'b',
      sessionKey: impersonated,
      ...at,
    });
    await api.services.edits.recordVersion(orm.em.fork(), {
      entityType: 'POST',
      entityId: '950002',
      text: 'c',
      sessionKey: 'd'.repeat(64),
      ...at,
    });
    const refs = [
      { entityType: 'POST', entityId: '950001' },
      { entityType: 'POST', entityId: '950002' },
    ];
    const res = await api.gql(SUMMARIES, { refs }, { token: auditor });
    expect(
      res.data?.editSummaries.items.map(
        (i: { editedWhileImpersonating: boolean }) => i.editedWhileImpersonating,
      ),
    ).toEqual([true, false]);
  });
});
