import type { HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import type { SandboxRuntime } from '../runtime.ts';
import { runBatch } from './batch.ts';
import { invokeMethod } from './dispatch.ts';
import { successBody, timeBlock } from './envelope.ts';
import { RestError, systemError } from './errors.ts';
import { Params, readRequestParams } from './params.ts';

type Env = { Bindings: HttpBindings };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function methodName(raw: string): string {
  return raw.replace(/\.json$/i, '');
}

function clientIp(c: Context<Env>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * REST at the incoming-webhook form `/rest/{USER_ID}/{CODE}/{method}[.json]`
 * (local-integrations/local-webhooks.md). Order of checks: injected faults, the rate limit
 * (it counts every request, a batch as one), the webhook, then the method.
 */
export function restRouter(portal: SandboxRuntime): Hono<Env> {
  const app = new Hono<Env>({ strict: false });

  const fail = (c: Context<Env>, error: RestError) => {
    portal.counters.recordStatus(error.status);
    return c.json(error.toBody(), error.status as 400);
  };

  const handle = async (c: Context<Env>, userId: string | null, code: string | null, rawMethod: string) => {
    const method = methodName(rawMethod);
    const known = portal.methods.get(method);
    portal.counters.recordHttp(method.toLowerCase() === 'batch' ? 'batch' : (known?.name ?? method));

    const fault = portal.faults.evaluate(method);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.type === 'drop') {
      c.env.incoming.socket.destroy();
      portal.counters.recordStatus(0);
      return new Response(null, { status: 204 });
    }
    if (fault.type === 'error') return fail(c, fault.error);

    if (!portal.bucket.take(clientIp(c))) return fail(c, systemError('QUERY_LIMIT_EXCEEDED'));

    if (userId === null || code === null) return fail(c, systemError('NO_AUTH_FOUND'));
    const hook = portal.state.webhooks.get(code);
    const caller =
      hook?.active && String(hook.userId) === userId ? portal.state.user(hook.userId) : undefined;
    // A dismissed employee's webhooks stop working with them (*unconfirmed* error code).
    if (!caller?.ACTIVE) return fail(c, systemError('INVALID_CREDENTIALS'));

    const raw = await readRequestParams(c.req.raw);
    if (method.toLowerCase() === 'batch') {
      const startMs = Date.now();
      const t0 = performance.now();
      try {
        const value = await runBatch(portal, caller, new Params(raw), {
          strictLength: portal.strictBatchLength,
        });
        portal.counters.recordCall('batch');
        const op = portal.operating.state('batch');
        const time = timeBlock({
          startMs,
          finishMs: Date.now(),
          processingMs: performance.now() - t0,
          operating: op.operating,
          operatingResetAt: op.resetAt,
        });
        portal.counters.recordStatus(200);
        return c.json(successBody(value, time));
      } catch (err) {
        if (err instanceof RestError) return fail(c, err);
        throw err;
      }
    }
    const outcome = await invokeMethod(portal, caller, method, raw);
    if (!outcome.ok) return fail(c, outcome.error);
    portal.counters.recordStatus(200);
    return c.json(successBody(outcome.value, timeBlock(outcome.timing)));
  };

  app.all('/rest/:userId/:code/:method', (c) =>
    handle(c, c.req.param('userId'), c.req.param('code'), c.req.param('method')),
  );
  // Anything else under /rest/ carries neither a webhook nor (here) an OAuth token.
  app.all('/rest/:method', (c) => handle(c, null, null, c.req.param('method')));
  app.all('/rest/:userId/:code', (c) => handle(c, c.req.param('userId'), c.req.param('code'), ''));
  return app;
}
