import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let token: string;
let id: string;
beforeAll(async () => {
  api = await startTestApi();
  token = await api.tokenFor(24);
  const started = await api.gql(
    'mutation { requestDataExport(userId: 24) { ... on DataSubjectRequest { id } } }',
    {},
    { token },
  );
  id = started.data?.requestDataExport.id as string;
});
afterAll(() => api.close());

/** The `data:` payloads of the server-sent event stream a subscription answers with (it ends when the request is finished). */
async function subscription(query: string, variables?: Record<string, unknown>) {
  const response = await api.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)));
}

// An argument written in the document and the same value sent as a variable (of any name) are one request.
describe('arguments written inline are the same as variables', { timeout: 120_000 }, () => {
  it('dataSubjectRequestProgress follows the request whether its id is inline or a variable', async () => {
    const streams = {
      inline: await subscription(`subscription { dataSubjectRequestProgress(id: "${id}") { id status } }`),
      variable: await subscription(
        'subscription ($requestId: ID!) { dataSubjectRequestProgress(id: $requestId) { id status } }',
        { requestId: id },
      ),
      sameName: await subscription(
        'subscription ($id: ID!) { dataSubjectRequestProgress(id: $id) { id status } }',
        { id },
      ),
    };
    for (const [form, payloads] of Object.entries(streams)) {
      expect(
        payloads.flatMap((p) => p.errors ?? []),
        form,
      ).toEqual([]);
      expect(payloads.at(-1)?.data.dataSubjectRequestProgress, form).toEqual({ id, status: 'COMPLETED' });
    }
  });

  it('an unknown id is NOT_FOUND in either form, and names the id asked for', async () => {
    const unknown = '01a24f36-0000-7000-8000-000000000000';
    const inline = await subscription(`subscription { dataSubjectRequestProgress(id: "${unknown}") { id } }`);
    const variable = await subscription(
      'subscription ($requestId: ID!) { dataSubjectRequestProgress(id: $requestId) { id } }',
      { requestId: unknown },
    );
    for (const [payload] of [inline, variable]) {
      expect(payload.errors?.[0]).toMatchObject({
        message: `DataSubjectRequest ${unknown} was not found`,
        extensions: { code: 'NOT_FOUND' },
      });
    }
  });

  it('a query with an id argument answers the same inline and as a variable', async () => {
    const inline = await api.gql(
      `{ dataSubjectRequest(id: "${id}") { ... on DataSubjectRequest { id type subjectUserId } } }`,
      {},
      { token },
    );
    const variable = await api.gql(
      'query ($requestId: ID!) { dataSubjectRequest(id: $requestId) { ... on DataSubjectRequest { id type subjectUserId } } }',
      { requestId: id },
      { token },
    );
    expect(inline.errors).toBeUndefined();
    expect(inline.data).toEqual({ dataSubjectRequest: { id, type: 'EXPORT', subjectUserId: 24 } });
    expect(variable.data).toEqual(inline.data);
  });
});
