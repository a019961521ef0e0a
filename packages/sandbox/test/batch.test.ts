import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, callForm, startPortal } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;

beforeAll(async () => {
  portal = await startPortal();
  admin = portal.webhookUrl(1);
});
afterAll(() => portal.close());

type BatchResult = {
  result: Record<string, unknown> | unknown[];
  result_error: Record<string, { error: string }> | unknown[];
  result_total: Record<string, number> | unknown[];
  result_next: Record<string, number> | unknown[];
  result_time: Record<string, { start: number }> | unknown[];
};

describe('batch', () => {
  it('answers 200 with result, result_error, result_total, result_next, result_time', async () => {
    const { status, body } = await call(admin, 'batch', {
      halt: 0,
      cmd: { me: 'user.current', all: 'user.get' },
    });
    expect(status).toBe(200);
    const r = body.result as BatchResult;
    expect(Object.keys(r)).toEqual(['result', 'result_error', 'result_total', 'result_next', 'result_time']);
    expect(r.result_error).toEqual([]);
    expect((r.result_total as Record<string, number>).all).toBe(50);
    expect(r.result_next).toEqual([]);
    expect(Object.keys(r.result_time)).toEqual(['me', 'all']);
  });

  it('resolves $result[key][field] and $result[key][0][ID] references', async () => {
    const { body } = await call(admin, 'batch', {
      cmd: {
        me: 'user.current',
        again: 'user.get?ID=$result[me][ID]',
        dept: 'user.get?FILTER[UF_DEPARTMENT]=$result[me][UF_DEPARTMENT][0]&start=-1',
        second: 'user.get?ID=$result[dept][1][ID]',
      },
    });
    const r = (body.result as BatchResult).result as Record<
      string,
      { ID: string; UF_DEPARTMENT: number[] }[]
    >;
    const me = r.me as unknown as { ID: string; UF_DEPARTMENT: number[] };
    expect(r.again?.[0]?.ID).toBe('1');
    expect(r.dept?.every((u) => u.UF_DEPARTMENT.includes(me.UF_DEPARTMENT[0] as number))).toBe(true);
    expect(r.second?.[0]?.ID).toBe(r.dept?.[1]?.ID);
  });

  it('takes cmd as a PHP-style form array and answers lists for numeric keys', async () => {
    const form = ['cmd[]=user.admin', `cmd[]=${encodeURIComponent('user.get?ID=2')}`].join('&');
    const { body } = await callForm(admin, 'batch', form);
    const r = body.result as BatchResult;
    expect(Array.isArray(r.result)).toBe(true);
    expect((r.result as unknown[])[0]).toBe(true);
  });

  it('halt=0 runs past errors; halt=1 stops at the first', async () => {
    const cmd = { a: 'user.admin', bad: 'no.such.method', c: 'user.current' };
    const go = (await call(admin, 'batch', { halt: 0, cmd })).body.result as BatchResult;
    expect(Object.keys(go.result)).toEqual(['a', 'c']);
    expect((go.result_error as Record<string, { error: string }>).bad?.error).toBe('ERROR_METHOD_NOT_FOUND');
    const stop = (await call(admin, 'batch', { halt: 1, cmd })).body.result as BatchResult;
    expect(Object.keys(stop.result)).toEqual(['a']);
    expect(Object.keys(stop.result_error)).toEqual(['bad']);
  });

  it('refuses a nested batch inside result_error', async () => {
    const { status, body } = await call(admin, 'batch', { cmd: { inner: 'batch?cmd[x]=user.current' } });
    expect(status).toBe(200);
    const err = (body.result as BatchResult).result_error as Record<string, { error: string }>;
    expect(err.inner?.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED');
  });

  it('runs 50 commands; each one beyond answers ERROR_BATCH_LENGTH_EXCEEDED (error-codes.md)', async () => {
    portal.counters.reset();
    const cmd = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`c${i}`, 'user.admin']));
    const { status, body } = await call(admin, 'batch', { cmd });
    expect(status).toBe(200);
    const r = body.result as BatchResult;
    expect(Object.keys(r.result)).toHaveLength(50);
    const errors = r.result_error as Record<string, { error: string }>;
    expect(Object.keys(errors)).toEqual(['c50', 'c51']);
    expect(errors.c50?.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    expect(portal.counters.calls('user.admin')).toBe(50);
    expect(portal.counters.httpRequests).toBe(1);
    expect(portal.counters.httpFor('batch')).toBe(1);
  });

  it('with strictBatchLength refuses more than 50 commands with 400', async () => {
    const strict = await startPortal({ dataset: 'empty', strictBatchLength: true });
    try {
      const cmd = Array.from({ length: 51 }, () => 'user.admin');
      const { status, body } = await call(strict.webhookUrl(1), 'batch', { cmd });
      expect(status).toBe(400);
      expect(body.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    } finally {
      await strict.close();
    }
  });

  it('reads 50 pages of users in one request', async () => {
    const big = await startPortal({ dataset: 'empty' });
    try {
      big.seed.users(2_499);
      const cmd = Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`p${i}`, `user.get?start=${i * 50}`]),
      );
      const { body } = await call(big.webhookUrl(1), 'batch', { cmd });
      const r = (body.result as BatchResult).result as Record<string, unknown[]>;
      const rows = Object.values(r).flat();
      expect(rows).toHaveLength(2_500);
      expect((body.result as BatchResult).result_next).toMatchObject({ p0: 50, p48: 2_450 });
    } finally {
      await big.close();
    }
  });
});
