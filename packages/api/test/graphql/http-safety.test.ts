import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getIntrospectionQuery, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { QUERY_LIMITS } from '../../src/yoga.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let employee: string;
beforeAll(async () => {
  api = await startTestApi();
  employee = await api.tokenFor(20);
});
afterAll(() => api.close());

describe('introspection', () => {
  it("answers GraphiQL's introspection query, which sits at the depth limit, to any signed-in caller", async () => {
    const { token: integrator } = await api.services.tokens.issueIntegratorToken(
      api.services.orm.em.fork(),
      ['audit:read'],
      'siem',
      1,
    );
    for (const token of [employee, integrator]) {
      const response = await api.gql(getIntrospectionQuery(), {}, { token });
      expect(response.errors).toBeUndefined();
      expect(response.data?.__schema.queryType.name).toBe('Query');
    }
  });

  it.each([
    ['the whole schema', getIntrospectionQuery()],
    ['one type', '{ __type(name: "Mutation") { fields { name } } }'],
    ['a type inside a fragment', 'query { ...F } fragment F on Query { __type(name: "Query") { name } }'],
  ])('refuses %s to an anonymous caller, and says how to sign in', async (_what, query) => {
    const response = await api.gql(query);
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/Sign in to read the schema.*Authorization: Bearer/),
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ]);
  });

  it('still answers __typename to an anonymous caller', async () => {
    expect((await api.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('query limits', () => {
  it('rejects a query deeper than the limit', async () => {
    let selection = 'name';
    for (let i = 0; i < QUERY_LIMITS.maxDepth; i++) selection = `ofType { ${selection} }`;
    const response = await api.gql(`{ __schema { types { fields { type { ${selection} } } } } }`);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('rejects too many aliases', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { roles }`).join(
      ' ',
    );
    const response = await api.gql(`{ ${aliases} }`);
    expect(response.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('rejects a document with too many tokens', async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => '__typename').join(' ');
    const response = await api.gql(`{ ${fields} }`);
    expect(response.errors?.[0]?.message).toMatch(/token/i);
  });

  it('counts comments as tokens', async () => {
    const comments = '# padding\n'.repeat(QUERY_LIMITS.maxTokens);
    expect(comments.length).toBeLessThan(QUERY_LIMITS.maxDocumentBytes);
    const response = await api.gql(`${comments}{ __typename }`);
    expect(response.errors?.[0]?.message).toMatch(/token limit.*comments count/i);
    // A few comments, as people write them, are fine.
    expect((await api.gql('# who am I?\n{ __typename } # the root')).data).toEqual({ __typename: 'Query' });
  });

  it('refuses a 1 MB comment-padded document for its size, before parsing it', async () => {
    // Ends in a syntax error: had it been parsed, the answer would name that, not the size.
    const padded = `${'#'.repeat(1024 * 1024)}\n{ __typename } {{{`;
    const response = await api.gql(padded, {}, { token: employee });
    expect(response.status).toBe(413);
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: `Document too large: ${padded.length} bytes, at most ${QUERY_LIMITS.maxDocumentBytes} (comments and white space count).`,
      }),
    ]);
  });

  it('rejects a query whose estimated cost is over the limit, though each other limit is respected', async () => {
    // Introspection is not costed; a few copies of a real list query are.
    const page = `auditEvents(first: 100) { ... on QueryAuditEventsConnection { edges { node {
      action actor onBehalfOf targetType targetId ip metadata } } } }`;
    const aliases = Array.from({ length: 5 }, (_, i) => `a${i}: ${page}`).join(' ');
    const response = await api.gql(`{ ${aliases} }`);
    expect(response.errors?.[0]?.message, JSON.stringify(response.errors)).toMatch(/cost/i);
  });

  it('answers a normal query', async () => {
    expect((await api.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('CSRF prevention', () => {
  it('refuses a simple cross-site GET without the preflight header', async () => {
    const response = await api.fetch('/graphql?query=%7B__typename%7D');
    expect(response.status).toBe(403);
  });

  it('refuses a form-encoded POST a foreign page could send', async () => {
    const response = await api.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(response.status).toBe(403);
  });

  it('accepts the same GET with the header', async () => {
    const response = await api.fetch('/graphql?query=%7B__typename%7D', {
      headers: { 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('HTTP endpoints', () => {
  it('serves GraphiQL to a browser', async () => {
    const response = await api.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/graphiql/i);
  });

  it('reports health and readiness', async () => {
    expect(await (await api.fetch('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await api.fetch('/readyz')).json()).toEqual({ status: 'ready' });
  });
});

describe('the committed contract', () => {
  it('schema.graphql matches the code (run `pnpm --filter @b24-gdpr/api schema:print` after changing the schema)', async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });
});
