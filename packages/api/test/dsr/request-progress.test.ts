import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { watchRequest } from '../../src/modules/dsr/request-progress.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

const collect = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

const row = (status: string, done = 0) =>
  ({ id: 'r1', status, progress: { step: 'profile', done, total: 3 } }) as unknown as DataSubjectRequest;

describe('watchRequest', () => {
  it('yields the request when its status or progress changes, and ends when it is finished', async () => {
    const reads = [row('PENDING'), row('PENDING'), row('RUNNING'), row('RUNNING', 1), row('RUNNING', 1)];
    reads.push(row('COMPLETED', 3));
    const read = vi.fn(async () => reads.shift() ?? null);
    const seen = [];
    for await (const request of watchRequest(read, { intervalMs: 1 })) {
      seen.push([request.status, request.progress.done]);
    }
    expect(seen).toEqual([
      ['PENDING', 0],
      ['RUNNING', 0],
      ['RUNNING', 1],
      ['COMPLETED', 3],
    ]);
    expect(read).toHaveBeenCalledTimes(6);
  });

  it('ends when the row is gone, and after its maximum duration', async () => {
    expect(await collect(watchRequest(async () => null))).toEqual([]);
    const open = watchRequest(async () => row('RUNNING'), { intervalMs: 5, maxMs: 30 });
    const started = Date.now();
    expect(await collect(open)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops at once when the consumer returns, even in the pause between reads', async () => {
    const read = vi.fn(async () => row('RUNNING'));
    const stream = watchRequest(read, { intervalMs: 60_000 });
    expect((await stream.next()).value?.status).toBe('RUNNING');
    const pending = stream.next(); // now pausing for a minute
    const started = Date.now();
    await stream.return(undefined);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(read).toHaveBeenCalledTimes(1);
  });
});

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.tokenFor(1);
  await api.gql(
    'mutation { updateSettings(input: { erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
});
afterAll(() => api.close());

const subscribe = (id: string, token: string) =>
  api.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      query: `subscription ($id: ID!) { dataSubjectRequestProgress(id: $id) { id status progress { step done total } download { url } } }`,
      variables: { id },
    }),
  });

/** The `data:` payloads of a server-sent event stream. */
const payloads = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));

describe('dataSubjectRequestProgress over server-sent events', { timeout: 120_000 }, () => {
  it('streams a running export from its state now to COMPLETED with the download, then ends', async () => {
    const token = await api.tokenFor(24);
    const started = await api.gql(
      'mutation { requestDataExport(userId: 24) { ... on DataSubjectRequest { id status } } }',
      {},
      { token },
    );
    const id = started.data?.requestDataExport.id as string;
    const response = await subscribe(id, token);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = payloads(await response.text()) // the stream ends when the request is finished
      .filter((p) => p.data)
      .map((p) => p.data.dataSubjectRequestProgress);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0].id).toBe(id);
    expect(['PENDING', 'RUNNING']).toContain(events[0].status);
    expect(events.at(-1).status).toBe('COMPLETED');
    expect(events.at(-1).download.url).toContain(`/exports/${id}/download`);
    // Only changes are sent: no two neighbours are the same.
    const states = events.map((e) => JSON.stringify([e.status, e.progress]));
    expect(states.every((s, i) => i === 0 || s !== states[i - 1])).toBe(true);
  });

  it("is refused for someone else's request, as the query is", async () => {
    const token = await api.tokenFor(25);
    const started = await api.gql(
      'mutation { requestDataExport(userId: 25) { ... on DataSubjectRequest { id } } }',
      {},
      { token },
    );
    const id = started.data?.requestDataExport.id as string;
    const stranger = await api.tokenFor(26);
    const [answer] = payloads(await (await subscribe(id, stranger)).text());
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors?.[0]).toMatchObject({
      message: `DataSubjectRequest ${id} was not found`,
      extensions: { code: 'NOT_FOUND' },
    });
    const anonymous = await api.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { dataSubjectRequestProgress(id: "${id}") { id } }` }),
    });
    const [refused] = payloads(await anonymous.text());
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('stops reading the database when the client disconnects', async () => {
    // An erasure awaiting confirmation does not move, so only a disconnect can end its stream.
    const preview = await api.gql(
      'mutation { previewErasure(userId: 27) { ... on ErasurePreview { request { id status } } } }',
      {},
      { token: admin },
    );
    const id = preview.data?.previewErasure.request.id as string;
    const reads = vi.spyOn(EntityManager.prototype, 'findOne');
    const readsOfThis = () =>
      reads.mock.calls.filter(([, where]) => (where as { id?: string } | null)?.id === id).length;
    try {
      const response = await subscribe(id, admin);
      const reader = response.body!.getReader();
      let received = '';
      while (!received.includes('data: {')) received += new TextDecoder().decode((await reader.read()).value);
      expect(received).toContain('AWAITING_CONFIRMATION');
      await new Promise((r) => setTimeout(r, 1_200));
      expect(readsOfThis()).toBeGreaterThanOrEqual(3); // polling every 500 ms
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 200));
      const afterCancel = readsOfThis();
      await new Promise((r) => setTimeout(r, 1_200));
      expect(readsOfThis()).toBe(afterCancel);
    } finally {
      reads.mockRestore();
    }
  });
});
