import { describe, expect, it } from 'vitest';
import {
  type BatchCommand,
  Bitrix24AccessError,
  Bitrix24NotFoundError,
  command,
  ref,
} from '../../src/bitrix24/index.ts';
import { clientFor, startPortal } from './sandbox.ts';

describe('batch', () => {
  it('types each result and resolves $result references on the portal', async () => {
    const portal = await startPortal();
    portal.seed.users(3);
    const client = clientFor(portal);
    const out = await client.batch({
      me: command('user.current'),
      again: command('user.get', { FILTER: { ID: ref('me', 'ID') } }),
      admin: command('user.admin'),
    });
    expect(out.me.status).toBe('ok');
    if (out.me.status !== 'ok' || out.again.status !== 'ok' || out.admin.status !== 'ok') return;
    expect(out.me.result.ID).toBe('1');
    expect(out.again.result.map((u) => u.ID)).toEqual(['1']);
    expect(out.again.total).toBe(1);
    expect(out.admin.result).toBe(true);
    expect(portal.counters.snapshot().httpByMethod).toEqual({ batch: 1 });
    expect(client.counters().batched.byMethod).toEqual({ 'user.current': 1, 'user.get': 1, 'user.admin': 1 });
  });

  it('splits more than 50 commands into requests of 50 and resolves references across them', async () => {
    const portal = await startPortal();
    portal.seed.users(119);
    const client = clientFor(portal);
    const commands: Record<string, BatchCommand> = {};
    for (let id = 1; id <= 120; id++) commands[`u${id}`] = command('user.get', { FILTER: { ID: id } });
    // Sent in the third request; `u1` came back in the first.
    commands.late = command('user.get', { FILTER: { ID: ref('u1', 0, 'ID') } });
    const out = await client.batch(commands);
    expect(portal.counters.httpFor('batch')).toBe(3);
    expect(Object.keys(out)).toHaveLength(121);
    for (let id = 1; id <= 120; id++) {
      const item = out[`u${id}`];
      expect(item?.status === 'ok' && (item.result as { ID: string }[])[0]?.ID).toBe(String(id));
    }
    const late = out.late;
    expect(late?.status === 'ok' && (late.result as { ID: string }[])[0]?.ID).toBe('1');
  });

  it('reports a reference to a failed command of an earlier request without sending it', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    const commands: Record<string, BatchCommand> = { bad: command('user.update', { ID: 999 }) };
    for (let i = 0; i < 50; i++) commands[`c${i}`] = command('user.current');
    commands.dependent = command('user.get', { FILTER: { ID: ref('bad', 'ID') } });
    const out = await client.batch(commands);
    expect(out.bad?.status).toBe('error');
    expect(out.dependent).toMatchObject({
      status: 'error',
      error: { code: 'BATCH_REFERENCE', kind: 'argument' },
    });
    expect(client.counters().batched.byMethod['user.get']).toBeUndefined();
  });

  it('returns typed per-command errors and runs the rest without halt', async () => {
    const portal = await startPortal();
    portal.seed.users(2);
    const client = clientFor(portal, 2);
    const out = await client.batch({
      first: command('user.current'),
      missing: { method: 'no.such.method' as 'user.current' },
      denied: command('user.update', { ID: 3, NAME: 'X' }),
      last: command('user.admin'),
    });
    expect(out.first.status).toBe('ok');
    expect(out.missing.status === 'error' && out.missing.error).toBeInstanceOf(Bitrix24NotFoundError);
    expect(out.denied.status === 'error' && out.denied.error).toBeInstanceOf(Bitrix24AccessError);
    expect(out.last).toEqual({ status: 'ok', result: false });
    expect(client.counters().errors.byCode).toMatchObject({ ERROR_METHOD_NOT_FOUND: 1 });
  });

  it('stops at the first error with halt, across split requests too', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    const commands: Record<string, BatchCommand> = {};
    for (let i = 0; i < 120; i++) commands[`c${i}`] = command('user.current');
    commands.c10 = { method: 'no.such.method' as 'user.current' };
    const out = await client.batch(commands, { halt: true });
    const statuses = Object.values(out).map((item) => item.status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill('ok'));
    expect(statuses[10]).toBe('error');
    expect(new Set(statuses.slice(11))).toEqual(new Set(['skipped']));
    expect(portal.counters.httpFor('batch')).toBe(1);
    expect(portal.counters.calls('user.current')).toBe(10);
  });

  it('refuses malformed keys before sending anything', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    await expect(client.batch({ 'a]b': command('user.current') })).rejects.toThrow(TypeError);
    expect(portal.counters.snapshot().httpRequests).toBe(0);
  });
});
