import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, callForm, get, startPortal } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;

beforeAll(async () => {
  portal = await startPortal();
  admin = portal.webhookUrl(1);
});
afterAll(() => portal.close());

describe('envelopes and auth', () => {
  it('answers success with result and the full time block', async () => {
    const { status, body } = await call(admin, 'user.current');
    expect(status).toBe(200);
    expect((body.result as { ID: string }).ID).toBe('1');
    expect(Object.keys(body.time as object)).toEqual([
      'start',
      'finish',
      'duration',
      'processing',
      'date_start',
      'date_finish',
      'operating_reset_at',
      'operating',
    ]);
    expect((body.time as { date_start: string }).date_start).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
    );
  });

  it('accepts the .json suffix and GET query strings', async () => {
    const { status, body } = await get(`${admin}user.get.json?ID=3`);
    expect(status).toBe(200);
    expect((body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['3']);
  });

  it('refuses an unknown webhook code with 401 INVALID_CREDENTIALS', async () => {
    const { status, body } = await get(`${portal.url}/rest/1/notacode/user.current`);
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' });
  });

  it('refuses a code used with another user id', async () => {
    const code = new URL(admin).pathname.split('/')[3];
    const { status, body } = await get(`${portal.url}/rest/2/${code}/user.current`);
    expect(status).toBe(401);
    expect(body.error).toBe('INVALID_CREDENTIALS');
  });

  it('answers 401 NO_AUTH_FOUND without a webhook', async () => {
    const { status, body } = await get(`${portal.url}/rest/user.current`);
    expect(status).toBe(401);
    expect(body.error).toBe('NO_AUTH_FOUND');
  });

  it('answers 404 ERROR_METHOD_NOT_FOUND for an unknown method', async () => {
    const { status, body } = await call(admin, 'user.nosuchmethod');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  });

  it('runs calls with the rights of the webhook user', async () => {
    expect((await call(admin, 'user.admin')).body.result).toBe(true);
    expect((await call(portal.webhookUrl(2), 'user.admin')).body.result).toBe(true);
    expect((await call(portal.webhookUrl(5), 'user.admin')).body.result).toBe(false);
    expect(((await call(portal.webhookUrl(5), 'user.current')).body.result as { ID: string }).ID).toBe('5');
  });
});

describe('user.get paging', () => {
  it('pages by 50 with next and total', async () => {
    portal.seed.users(70);
    const first = await call(admin, 'user.get', {});
    expect((first.body.result as unknown[]).length).toBe(50);
    expect(first.body.total).toBe(120);
    expect(first.body.next).toBe(50);
    const second = await call(admin, 'user.get', { start: 50 });
    expect(second.body.next).toBe(100);
    const last = await call(admin, 'user.get', { start: 100 });
    expect((last.body.result as unknown[]).length).toBe(20);
    expect(last.body.next).toBeUndefined();
    expect(last.body.total).toBe(120);
  });

  it('start=-1 skips the count: no next, total 0 (huge-data.md), keyset with >ID', async () => {
    const seen: string[] = [];
    let lastId = 0;
    for (let i = 0; i < 10; i++) {
      const page = await callForm(admin, 'user.get', `start=-1&sort=ID&order=ASC&FILTER[>ID]=${lastId}`);
      expect(page.body.next).toBeUndefined();
      expect(page.body.total).toBe(0);
      const rows = page.body.result as { ID: string }[];
      seen.push(...rows.map((r) => r.ID));
      if (rows.length < 50) break;
      lastId = Number(rows.at(-1)?.ID);
    }
    expect(seen.length).toBe(120);
    expect(new Set(seen).size).toBe(120);
  });

  it('sorts by ID descending', async () => {
    const { body } = await call(admin, 'user.get', { sort: 'ID', order: 'DESC' });
    const ids = (body.result as { ID: string }[]).map((u) => Number(u.ID));
    expect(ids[0]).toBe(120);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('returns documented types: ID string, ACTIVE boolean, UF_DEPARTMENT numbers', async () => {
    const { body } = await call(admin, 'user.get', { FILTER: { ID: 11 } });
    const [u] = body.result as Record<string, unknown>[];
    expect(u?.ID).toBe('11');
    expect(u?.ACTIVE).toBe(false);
    expect(u?.IS_ONLINE).toMatch(/^[YN]$/);
    expect(Array.isArray(u?.UF_DEPARTMENT)).toBe(true);
  });

  it('filters ACTIVE with true / Y alike', async () => {
    const a = await call(admin, 'user.get', { FILTER: { ACTIVE: true }, start: -1 });
    const b = await callForm(admin, 'user.get', 'FILTER[ACTIVE]=Y&start=-1');
    expect((a.body.result as unknown[]).length).toBe(50);
    expect(a.body.result).toEqual(b.body.result);
    const dismissed = await callForm(admin, 'user.get', 'FILTER[ACTIVE]=N');
    expect((dismissed.body.result as { ID: string }[]).map((u) => u.ID)).toEqual([
      '11',
      '22',
      '33',
      '44',
      '49',
    ]);
  });

  it('takes arrays in PHP form (ID[]=1&ID[]=2) and @ filters', async () => {
    const a = await callForm(admin, 'user.get', 'FILTER[@ID][]=2&FILTER[@ID][]=4');
    expect((a.body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['2', '4']);
  });
});
