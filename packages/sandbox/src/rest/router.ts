import type { HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { runBatch } from './batch.ts';
import { invokeMethod } from './dispatch.ts';
import { successBody, timeBlock } from './envelope.ts';
import { RestError, systemError } from './errors.ts';
import { authenticateOAuth, takeAccessToken } from './oauth-auth.ts';
import { type ParamObject, Params, readRequestParams } from './params.ts';
import { type CallerAuth, WEBHOOK_AUTH } from './registry.ts';

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

type Identified = { caller: User; auth: CallerAuth } | RestError;

/**
 * REST at the incoming-webhook form `/rest/{USER_ID}/{CODE}/{method}[.json]`
 * (local-integrations/local-webhooks.md) and at the application form `/rest/{method}[.json]` with an
 * OAuth access token in `auth` (settings/oauth/index.md: "passed in the `auth` parameter"), also
 * taken as `access_token` or `Authorization: Bearer` as modules/rest/lib/oauth/auth.php reads it.
 * Order of checks: injected faults, the rate limit (it counts every request, a batch as one), the
 * credentials, then the method.
 */
export function restRouter(portal: SandboxRuntime): Hono<Env> {
  const app = new Hono<Env>({ strict: false });

  const fail = (c: Context<Env>, error: RestError) => {
    portal.counters.recordStatus(error.status);
    return c.json(error.toBody(), error.status as 400);
  };

  const handle = async (
    c: Context<Env>,
    identify: (raw: ParamObject) => Identified,
    rawMethod: string,
    readFirst: boolean,
  ) => {
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

    // A webhook is known from the path before the body is read; an OAuth token may sit in the body.
    let raw: ParamObject | null = readFirst ? await readRequestParams(c.req.raw) : null;
    const who = identify(raw ?? {});
    if (who instanceof RestError) return fail(c, who);
    const { caller, auth } = who;
    raw ??= await readRequestParams(c.req.raw);
    if (method.toLowerCase() === 'batch') {
      const startMs = Date.now();
      const t0 = performance.now();
      try {
        const value = await runBatch(
          portal,
          caller,
          new Params(raw),
          { strictLength: portal.strictBatchLength },
          auth,
        );
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
    const outcome = await invokeMethod(portal, caller, method, raw, auth);
    if (!outcome.ok) return fail(c, outcome.error);
    portal.counters.recordStatus(200);
    return c.json(successBody(outcome.value, timeBlock(outcome.timing)));
  };

  const byWebhook = (userId: string, code: string) => (): Identified => {
    const hook = portal.state.webhooks.get(code);
    const caller =
      hook?.active && String(hook.userId) === userId ? portal.state.user(hook.userId) : undefined;
    // A dismissed employee's webhooks stop working with them (*unconfirmed* error code).
    if (!caller?.ACTIVE) return systemError('INVALID_CREDENTIALS');
    return { caller, auth: WEBHOOK_AUTH };
  };
  const byToken =
    (c: Context<Env>, method: string) =>
    (raw: ParamObject): Identified => {
      const value = takeAccessToken(c.req.header('authorization'), raw);
      if (value === null) return systemError('NO_AUTH_FOUND');
      portal.tokens.beforeCall(value, [method.replace(/\.json$/, ''), ...batchMethods(raw)]);
      return authenticateOAuth(portal, value);
    };

  // Frames call the portal's REST from the app's origin (BX24.callMethod, b24jssdk's B24Frame), so the
  // application form answers cross-origin requests; the token, not a cookie, authorises them
  // (*unconfirmed*: the exact CORS headers of a real portal).
  app.use('/rest/:method', async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
      });
    }
    await next();
    c.res.headers.set('access-control-allow-origin', '*');
  });

  app.all('/rest/:userId/:code/:method', (c) =>
    handle(c, byWebhook(c.req.param('userId'), c.req.param('code')), c.req.param('method'), false),
  );
  // The application form: no webhook in the path, the token in the request.
  app.all('/rest/:method', (c) => handle(c, byToken(c, c.req.param('method')), c.req.param('method'), true));
  app.all('/rest/:userId/:code', (c) =>
    handle(c, byWebhook(c.req.param('userId'), c.req.param('code')), '', false),
  );
  return app;
}

/** The methods a batch's `cmd` names (`method?params`), for the test triggers armed on a method. */
function batchMethods(raw: ParamObject): string[] {
  const cmd = raw.cmd;
  if (typeof cmd !== 'object' || cmd === null) return [];
  return Object.values(cmd as Record<string, unknown>)
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.split('?')[0] ?? '');
}
