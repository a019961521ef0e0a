import { describe, expect, it } from 'vitest';
import {
  type B24User,
  lists,
  readBatchedKeyset,
  readBatchedOffsets,
  readKeyset,
  readPages,
  rows,
} from '../../src/bitrix24/index.ts';
import { clientFor, startPortal, userIds } from './sandbox.ts';

async function ids(pages: AsyncIterable<B24User[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const user of rows(pages)) out.push(user.ID);
  return out;
}

async function portalWithUsers(total: number) {
  const portal = await startPortal();
  portal.seed.users(total - portal.state.users.size);
  return portal;
}

describe('paging user.get over 1,000 rows', () => {
  it('reads every row once with start/next, one page per request', async () => {
    const portal = await portalWithUsers(1000);
    const client = clientFor(portal);
    expect(await ids(readPages(client, lists.users()))).toEqual(userIds(portal));
    expect(portal.counters.httpFor('user.get')).toBe(20);
  });

  it('reads every row once in keyset mode (start=-1, >ID)', async () => {
    const portal = await portalWithUsers(1010);
    const client = clientFor(portal);
    expect(await ids(readKeyset(client, lists.users()))).toEqual(userIds(portal));
    expect(portal.counters.httpFor('user.get')).toBe(21);
  });

  it('reads 1,000 rows in ⌈1000/2500⌉ + 1 requests with keyset-in-batch', async () => {
    const portal = await portalWithUsers(1000);
    const client = clientFor(portal);
    expect(await ids(readBatchedKeyset(client, lists.users()))).toEqual(userIds(portal));
    expect(portal.counters.snapshot().httpRequests).toBe(2);
    expect(client.counters().http.total).toBe(2);
    // Sized from the first page's total: 19 pages left plus one to see the end.
    expect(client.counters().batched.byMethod['user.get']).toBe(20);
  });

  it('reads 1,000 rows in one request when it does not count first', async () => {
    const portal = await portalWithUsers(1000);
    const client = clientFor(portal);
    const read = readBatchedKeyset(client, lists.users(), { sizeFromTotal: false });
    expect(await ids(read)).toEqual(userIds(portal));
    expect(portal.counters.snapshot().httpRequests).toBe(1);
  });

  it('reads 2,600 rows in 3 requests, 2,500 rows per batch', async () => {
    const portal = await portalWithUsers(2600);
    const client = clientFor(portal);
    expect(await ids(readBatchedKeyset(client, lists.users()))).toEqual(userIds(portal));
    expect(portal.counters.snapshot().httpByMethod).toEqual({ 'user.get': 1, batch: 2 });
  });

  it.each([
    ['readPages', readPages, {}, 20, 52],
    ['readKeyset', readKeyset, {}, 21, 53],
    ['readBatchedKeyset', readBatchedKeyset, {}, 2, 3],
    ['readBatchedKeyset without count', readBatchedKeyset, { sizeFromTotal: false }, 1, 2],
    ['readBatchedOffsets', readBatchedOffsets, {}, 2, 3],
  ] as const)(
    '%s: HTTP requests for 1,000 and 2,600 rows (README table)',
    async (_name, read, options, small, large) => {
      for (const [total, expected] of [
        [1000, small],
        [2600, large],
      ] as const) {
        const portal = await portalWithUsers(total);
        const client = clientFor(portal);
        expect(await ids(read(client, lists.users(), options))).toEqual(userIds(portal));
        expect(portal.counters.snapshot().httpRequests).toBe(expected);
      }
    },
  );

  it('reads every row with offsets in batches', async () => {
    const portal = await portalWithUsers(1234);
    const client = clientFor(portal);
    expect(await ids(readBatchedOffsets(client, lists.users()))).toEqual(userIds(portal));
    expect(portal.counters.snapshot().httpRequests).toBe(2);
  });

  it('keeps the caller’s filter in every mode', async () => {
    const portal = await startPortal();
    portal.seed.users(300);
    portal.seed.users(170, { ACTIVE: false });
    const expected = [...portal.state.users.values()].filter((u) => u.ACTIVE).map((u) => String(u.ID));
    const client = clientFor(portal);
    const spec = lists.users({ FILTER: { ACTIVE: true } });
    expect(await ids(readPages(client, spec))).toEqual(expected);
    expect(await ids(readKeyset(client, spec))).toEqual(expected);
    expect(await ids(readBatchedKeyset(client, spec))).toEqual(expected);
    expect(await ids(readBatchedKeyset(client, spec, { sizeFromTotal: false }))).toEqual(expected);
    expect(await ids(readBatchedOffsets(client, spec))).toEqual(expected);
  });

  it('resumes after a given id', async () => {
    const portal = await portalWithUsers(400);
    const client = clientFor(portal);
    const all = userIds(portal);
    const after = all[149] ?? '';
    expect(await ids(readBatchedKeyset(client, lists.users(), { after }))).toEqual(all.slice(150));
    expect(await ids(readKeyset(client, lists.users(), { after }))).toEqual(all.slice(150));
  });

  it('stops asking the portal when the reader stops', async () => {
    const portal = await portalWithUsers(3000);
    const client = clientFor(portal);
    let seen = 0;
    for await (const _user of rows(readKeyset(client, lists.users()))) {
      if (++seen === 120) break;
    }
    expect(portal.counters.httpFor('user.get')).toBe(3);
  });

  it('handles empty and single-page sets', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    const none = lists.users({ FILTER: { ID: 999_999 } });
    for (const read of [readPages, readKeyset, readBatchedKeyset, readBatchedOffsets]) {
      expect(await ids(read(client, none))).toEqual([]);
      expect(await ids(read(client, lists.users()))).toEqual(['1']);
    }
  });
});
