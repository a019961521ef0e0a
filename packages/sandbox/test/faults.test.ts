import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;
let hook: string;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  hook = portal.webhookUrl(1);
});
beforeEach(() => portal.faults.clear());
afterAll(() => portal.close());

describe('fault injection', () => {
  it.each([
    ['rate-limit', 503, 'QUERY_LIMIT_EXCEEDED'],
    ['internal-error', 500, 'INTERNAL_SERVER_ERROR'],
    ['overload', 401, 'OVERLOAD_LIMIT'],
    ['operation-time-limit', 429, 'OPERATION_TIME_LIMIT'],
    ['expired-token', 401, 'expired_token'],
  ] as const)('%s answers %i %s for the next N requests', async (kind, status, error) => {
    portal.faults.inject({ kind, count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await call(hook, 'user.admin');
      expect(r.status).toBe(status);
      expect(r.body.error).toBe(error);
    }
    expect((await call(hook, 'user.admin')).status).toBe(200);
  });

  it('restricts a fault to some methods', async () => {
    portal.faults.inject({ kind: 'internal-error', methods: ['user.current'] });
    expect((await call(hook, 'user.admin')).status).toBe(200);
    expect((await call(hook, 'user.current')).status).toBe(500);
  });

  it('applies a time window', async () => {
    portal.faults.inject({ kind: 'rate-limit', durationMs: 150 });
    expect((await call(hook, 'user.admin')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 200));
    expect((await call(hook, 'user.admin')).status).toBe(200);
  });

  it('adds latency and still answers', async () => {
    portal.faults.inject({ kind: 'latency', latencyMs: 120, count: 1 });
    const t0 = Date.now();
    const r = await call(hook, 'user.admin');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('access-denied refuses one method for one target, alone and inside a batch, nothing else', async () => {
    const a = portal.seed.post(1, 'A', { dest: ['UA'] });
    const b = portal.seed.post(1, 'B', { dest: ['UA'] });
    portal.faults.inject({ kind: 'access-denied', methods: ['log.blogpost.delete'], target: String(a.id) });
    const alone = await call(hook, 'log.blogpost.delete', { POST_ID: a.id });
    expect(alone.status).toBe(403);
    expect(alone.body.error).toBe('ACCESS_DENIED');
    const batch = await call(hook, 'batch', {
      cmd: { a: `log.blogpost.delete?POST_ID=${a.id}`, b: `log.blogpost.delete?POST_ID=${b.id}` },
    });
    expect(batch.status).toBe(200);
    const body = batch.body.result as {
      result: Record<string, unknown>;
      result_error: Record<string, { error: string }>;
    };
    expect(body.result_error.a?.error).toBe('ACCESS_DENIED');
    expect(body.result.b).toBe(true);
    expect(portal.state.posts.has(a.id)).toBe(true);
    expect(portal.state.posts.has(b.id)).toBe(false);
  });

  it('drops the connection without answering', async () => {
    portal.faults.inject({ kind: 'drop-connection', count: 1 });
    await expect(fetch(`${hook}user.admin`)).rejects.toThrow();
    expect((await call(hook, 'user.admin')).status).toBe(200);
  });

  it('is repeatable with a probability (seeded dice)', async () => {
    const run = async () => {
      portal.faults.clear();
      portal.faults.inject({ kind: 'internal-error', probability: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call(hook, 'user.admin')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('is driven over HTTP too', async () => {
    const res = await fetch(`${portal.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rate-limit', count: 1, methods: ['user.admin'] }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/fault-/);
    const listed = (await (await fetch(`${portal.url}/_sandbox/faults`)).json()) as { id: string }[];
    expect(listed.map((f) => f.id)).toContain(id);
    expect((await call(hook, 'user.admin')).status).toBe(503);
    await fetch(`${portal.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'internal-error' }),
    });
    await fetch(`${portal.url}/_sandbox/faults`, { method: 'DELETE' });
    expect((await call(hook, 'user.admin')).status).toBe(200);
    const bad = await fetch(`${portal.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'nonsense' }),
    });
    expect(bad.status).toBe(400);
  });
});
