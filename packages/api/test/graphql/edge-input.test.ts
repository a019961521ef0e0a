import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalEvent } from '../../src/modules/portal-events/portal-event.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

// The cases found by trying it (issue 14): each used to end in a 500 or a masked "Unexpected error.".
let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  admin = await api.tokenFor(1);
});
afterAll(() => api.close());

const NUL = '\u0000';
const LONE = '\uDC00';

describe('HTTP routes refuse malformed text and ids with a 400 that names the part', () => {
  it('GET /audit/export.csv?actor=%00', async () => {
    const response = await api.fetch('/audit/export.csv?actor=%00', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: expect.stringMatching(/actor.*NUL/),
      field: expect.any(String),
    });
  });

  it.each([
    ['a NUL in a field', { 'data[FIELDS][POST_ID]': '1', 'auth[domain]': `x${NUL}` }, /NUL/],
    ['a post id that is not one', { 'data[FIELDS][POST_ID]': '1 or 1=1' }, /POST_ID.*portal id/],
    ['a user id that is not one', { 'data[FIELDS][POST_ID]': '1', 'auth[user_id]': '-3' }, /user_id/],
  ])('POST /bitrix24/events with %s stores nothing', async (_case, fields, message) => {
    const before = await api.services.orm.em.fork().count(PortalEvent, {});
    const response = await api.fetch('/bitrix24/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        event: 'ONLIVEFEEDPOSTUPDATE',
        'auth[application_token]': api.portal.applicationToken,
        ...fields,
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await api.services.orm.em.fork().count(PortalEvent, {})).toBe(before);
  });

  it('a JSON body with an escaped NUL', async () => {
    const response = await api.fetch('/bitrix24/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: `ONLIVEFEEDPOSTUPDATE${NUL}` }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'body.event' });
  });

  it.each(['/impersonation-sessions/x', '/exports/1/download', '/audit/reports/%00/download'])(
    'GET %s: the id is not a UUID',
    async (path) => {
      const response = await api.fetch(path, { headers: { authorization: `Bearer ${admin}` } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field: expect.any(String) });
    },
  );
});

describe('GraphQL arguments are refused as the field’s InvalidInputError', () => {
  const invalid = '__typename ... on InvalidInputError { field message }';

  it.each([NUL, LONE])('recordEvents with %j in a string and in metadata', async (bad) => {
    const event = (extra: Record<string, unknown>) => ({
      idempotencyKey: 'k1',
      action: 'post.edited',
      occurredAt: new Date().toISOString(),
      targetType: 'post',
      targetId: '1',
      ...extra,
    });
    for (const [events, field] of [
      [[event({ userAgent: `ua${bad}` })], 'events.0.userAgent'],
      [[event({}), event({ idempotencyKey: 'k2', metadata: { text: `a${bad}` } })], 'events.1.metadata.text'],
    ] as const) {
      const response = await api.gql(
        `mutation ($e: [AuditEventInput!]!) { recordEvents(events: $e) { ${invalid} } }`,
        { e: events },
        { token: await api.tokenFor(20) },
      );
      expect(response.data?.recordEvents).toEqual({
        __typename: 'InvalidInputError',
        field,
        message: expect.stringMatching(/NUL|surrogate/),
      });
    }
  });

  it.each([NUL, LONE])('startImpersonation and createIntegratorToken with %j', async (bad) => {
    const started = await api.gql(
      `mutation ($k: String!, $r: String) { startImpersonation(impersonatedUserId: 20, sessionKey: $k, reason: $r) { ${invalid} } }`,
      { k: 'a'.repeat(64), r: `why${bad}` },
      { token: admin },
    );
    expect(started.data?.startImpersonation).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'reason',
    });
    const created = await api.gql(
      `mutation ($l: String!) { createIntegratorToken(label: $l, scopes: [AUDIT_READ]) { ${invalid} } }`,
      { l: `label${bad}` },
      { token: admin },
    );
    expect(created.data?.createIntegratorToken).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'label',
    });
  });

  it('revokeApiToken(id: "x") names the id, without asking the database', async () => {
    const response = await api.gql(
      `mutation { revokeApiToken(id: "x") { ${invalid} } }`,
      {},
      { token: admin },
    );
    expect(response.data?.revokeApiToken).toEqual({
      __typename: 'InvalidInputError',
      field: 'id',
      message: 'Must be an id this API issued (a UUID).',
    });
  });

  it('a negative user id', async () => {
    const response = await api.gql(
      `mutation { grantAuditor(userId: -5) { ${invalid} } }`,
      {},
      { token: admin },
    );
    expect(response.data?.grantAuditor).toMatchObject({ __typename: 'InvalidInputError', field: 'userId' });
  });

  it('a field without typed errors answers BAD_USER_INPUT, not "Unexpected error."', async () => {
    const response = await api.gql(
      'query ($s: String) { users(filter: { search: $s }) { edges { node { id } } } }',
      { s: `x${NUL}` },
      { token: admin },
    );
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'filter.search: Must not contain NUL characters.',
        extensions: { code: 'BAD_USER_INPUT', field: 'filter.search' },
      }),
    ]);
  });
});
