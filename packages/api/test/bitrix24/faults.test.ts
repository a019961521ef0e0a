import { describe, expect, it } from 'vitest';
import {
  Bitrix24AccessError,
  Bitrix24AuthError,
  Bitrix24NotFoundError,
  Bitrix24RateLimitError,
  Bitrix24ServerError,
  Bitrix24TransportError,
  command,
} from '../../src/bitrix24/index.ts';
import { clientFor, startPortal } from './sandbox.ts';

const RECOVERABLE = [
  ['rate-limit', 'QUERY_LIMIT_EXCEEDED'],
  ['internal-error', 'INTERNAL_SERVER_ERROR'],
  ['overload', 'OVERLOAD_LIMIT'],
  ['operation-time-limit', 'OPERATION_TIME_LIMIT'],
  ['drop-connection', 'CONNECTION_RESET'],
] as const;

describe('faults', () => {
  it.each(RECOVERABLE)('recovers from a short %s episode', async (kind, code) => {
    const portal = await startPortal();
    const client = clientFor(portal);
    portal.faults.inject({ kind, count: 2 });
    const me = await client.call('user.current');
    expect(me.ID).toBe('1');
    expect(portal.counters.httpFor('user.current')).toBe(3);
    expect(client.counters().retries.byCode).toEqual({ [code]: 2 });
  });

  it.each([
    ['rate-limit', Bitrix24RateLimitError, 'QUERY_LIMIT_EXCEEDED'],
    ['overload', Bitrix24RateLimitError, 'OVERLOAD_LIMIT'],
    ['operation-time-limit', Bitrix24RateLimitError, 'OPERATION_TIME_LIMIT'],
    ['internal-error', Bitrix24ServerError, 'INTERNAL_SERVER_ERROR'],
    ['drop-connection', Bitrix24TransportError, 'CONNECTION_RESET'],
  ] as const)('gives up on an endless %s with a typed error', async (kind, Class, code) => {
    const portal = await startPortal();
    const client = clientFor(portal);
    portal.faults.inject({ kind });
    const error = await client.call('user.current').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ code, method: 'user.current', attempts: 4 });
    expect(portal.counters.httpFor('user.current')).toBe(4);
  });

  it('times out a slow answer and retries it', async () => {
    const portal = await startPortal();
    const client = clientFor(portal, 1, { timeoutMs: 200 });
    portal.faults.inject({ kind: 'latency', latencyMs: 1000, count: 1 });
    expect((await client.call('user.current')).ID).toBe('1');
    expect(client.counters().retries.byCode).toEqual({ TIMEOUT: 1 });
  });

  it('fails with a transport error when every answer is too slow', async () => {
    const portal = await startPortal();
    const client = clientFor(portal, 1, { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    portal.faults.inject({ kind: 'latency', latencyMs: 600, count: 2 });
    const error = await client.call('user.current').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Bitrix24TransportError);
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 2 });
  });

  it('fails at once on an expired token', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    portal.faults.inject({ kind: 'expired-token' });
    const error = await client.call('user.current').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Bitrix24AuthError);
    expect(error).toMatchObject({ code: 'expired_token', status: 401, attempts: 1 });
    expect(portal.counters.httpFor('user.current')).toBe(1);
  });

  it('fails at once on a wrong webhook code', async () => {
    const portal = await startPortal();
    const url = portal.webhookUrl(1).replace(/\/rest\/1\/\w+\//, '/rest/1/0000000000000000/');
    const client = clientFor(portal, 1, { webhookUrl: url });
    await expect(client.call('user.current')).rejects.toMatchObject({
      kind: 'auth',
      code: 'INVALID_CREDENTIALS',
      attempts: 1,
    });
  });

  it('fails at once when the method refuses the caller or does not exist', async () => {
    const portal = await startPortal();
    portal.seed.users(2);
    const employee = clientFor(portal, 2);
    await expect(employee.call('user.update', { ID: 3, NAME: 'X' })).rejects.toBeInstanceOf(
      Bitrix24AccessError,
    );
    await expect(employee.request('no.such.method')).rejects.toBeInstanceOf(Bitrix24NotFoundError);
    expect(employee.counters().retries.total).toBe(0);
    expect(employee.counters().errors.total).toBe(2);
  });

  it('retries a batch refused as a whole', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    portal.faults.inject({ kind: 'rate-limit', methods: ['batch'], count: 1 });
    portal.faults.inject({ kind: 'drop-connection', methods: ['batch'], count: 1 });
    const out = await client.batch({ a: command('user.current'), b: command('user.admin') });
    expect(out.a.status).toBe('ok');
    expect(out.b).toEqual({ status: 'ok', result: true });
    expect(client.counters().http.byMethod).toEqual({ batch: 3 });
  });

  it('stops when the caller aborts, without retrying', async () => {
    const portal = await startPortal();
    const client = clientFor(portal);
    portal.faults.inject({ kind: 'latency', latencyMs: 500, count: 1 });
    const controller = new AbortController();
    const pending = client.call('user.current', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(pending).rejects.toThrow('user cancelled');
    expect(client.counters().retries.total).toBe(0);
  });

  it('rejects unknown method names locally', async () => {
    const portal = await startPortal();
    await expect(clientFor(portal).request('../etc')).rejects.toThrow(TypeError);
  });
});
