import { inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Bitrix24Client, Bitrix24Error, command, LeakyBucketLimiter } from '../../src/bitrix24/index.ts';
import { clientFor, FAST_RETRY, startPortal } from './sandbox.ts';

function codeOf(webhookUrl: string): string {
  const code = webhookUrl.split('/').at(-2) ?? '';
  expect(code.length).toBeGreaterThanOrEqual(8);
  return code;
}

function everyRendering(error: unknown): string[] {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}

describe('the webhook code stays secret', () => {
  it('appears in no error and no log line, whatever fails', async () => {
    const portal = await startPortal();
    const url = portal.webhookUrl(1);
    const secret = codeOf(url);
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const client = new Bitrix24Client({
      webhookUrl: url,
      logger,
      retry: { ...FAST_RETRY, maxAttempts: 2 },
      timeoutMs: 150,
      limiter: new LeakyBucketLimiter({ burst: 100, drainPerSecond: 100 }),
    });
    const errors: unknown[] = [];
    const collect = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const kind of [
      'rate-limit',
      'internal-error',
      'overload',
      'expired-token',
      'drop-connection',
    ] as const) {
      portal.faults.inject({ kind, count: 2 });
      await collect(() => client.call('user.current'));
      portal.faults.clear();
    }
    portal.faults.inject({ kind: 'latency', latencyMs: 400, count: 2 });
    await collect(() => client.call('user.current'));
    portal.faults.clear();
    await collect(() => client.request('no.such.method'));
    const batch = await client.batch({ x: { method: 'no.such.method' as 'user.current' } });
    if (batch.x.status === 'error') errors.push(batch.x.error);
    await collect(() =>
      new Bitrix24Client({ webhookUrl: url.replace(secret, `${secret}x`), retry: FAST_RETRY }).call(
        'user.current',
      ),
    );
    await collect(() => Promise.resolve(new Bitrix24Client({ webhookUrl: `ftp://x/rest/1/${secret}/` })));

    expect(errors.length).toBeGreaterThanOrEqual(9);
    expect(errors.filter((e) => e instanceof Bitrix24Error).length).toBeGreaterThanOrEqual(8);
    for (const error of errors) for (const text of everyRendering(error)) expect(text).not.toContain(secret);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).not.toContain(secret);
    expect(String(client)).not.toContain(secret);
    expect(inspect(client, { depth: 5 })).not.toContain(secret);
  });

  it('does not leak it through a refused connection either', async () => {
    const portal = await startPortal();
    const url = portal.webhookUrl(1);
    const secret = codeOf(url);
    await portal.close();
    const client = clientFor(portal, 1, { webhookUrl: url, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const error = await client.call('user.current').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transport', code: 'CONNECTION_REFUSED', attempts: 2 });
    for (const text of everyRendering(error)) expect(text).not.toContain(secret);
    expect(await client.batch({ a: command('user.current') }).catch((e: unknown) => e)).toBeInstanceOf(
      Bitrix24Error,
    );
  });
});
