import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { appControls, oauthControls, setAdmin } from '../apps/controls.ts';
import { AppControlError } from '../apps/lifecycle.ts';
import type { SandboxRuntime } from '../runtime.ts';

type Env = { Bindings: HttpBindings };

const url = z.string().regex(/^https?:\/\//i);
const registrationSchema = z.object({
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  name: z.string().optional(),
  handlerUrl: url,
  installUrl: url.optional(),
  apiOnly: z.boolean().optional(),
  installEventHandlerUrl: url.optional(),
  redirectUri: url.optional(),
  scope: z.array(z.string()).optional(),
  version: z.string().optional(),
});
const userIdSchema = z.object({ userId: z.number().int().positive().optional() });
const expireOnCallSchema = z
  .object({ userId: z.number().int().positive(), method: z.string().regex(/^[a-z0-9._]{1,100}$/i) })
  .strict();
const filterSchema = z.object({
  userId: z.number().int().positive().optional(),
  appId: z.number().int().positive().optional(),
});
const lifetimesSchema = z.object({
  accessSeconds: z.number().positive().optional(),
  refreshSeconds: z.number().positive().optional(),
  codeSeconds: z.number().positive().optional(),
});
const frameSchema = z.object({
  userId: z.number().int().positive(),
  placement: z.string().optional(),
  ownerId: z.number().int().positive().optional(),
  uri: z.string().optional(),
  options: z.record(z.string(), z.string()).optional(),
});

async function body(c: Context<Env>): Promise<unknown> {
  return c.req.json().catch(() => ({}));
}

/** Drops undefined keys (exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/**
 * Test controls over applications and the authorization server, over HTTP for processes that drive
 * the sandbox from outside (README "Applications").
 */
export function appsInspectRouter(portal: SandboxRuntime): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const apps = appControls(portal);
  const oauth = oauthControls(portal);
  const id = (c: Context<Env>) => Number(c.req.param('id'));

  app.onError((err, c) => {
    if (err instanceof AppControlError || err instanceof Error)
      return c.json({ error: 'REFUSED', message: err.message }, 400);
    throw err;
  });

  app.get('/apps', (c) => c.json(apps.list()));
  app.post('/apps', async (c) => {
    const r = registrationSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID_APP', issues: r.error.issues }, 400);
    return c.json(apps.register(defined(r.data)));
  });
  app.get('/apps/:id', (c) => {
    const a = apps.get(id(c));
    return a ? c.json(a) : c.json({ error: 'NOT_FOUND' }, 404);
  });
  app.post('/apps/:id/install', async (c) => {
    const r = userIdSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json(apps.install(id(c), defined(r.data)));
  });
  app.post('/apps/:id/finish-install', async (c) => {
    const r = userIdSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json(apps.finishInstall(id(c), defined(r.data)));
  });
  app.post('/apps/:id/uninstall', async (c) => {
    const r = z.object({ clean: z.boolean().optional() }).safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json(apps.uninstall(id(c), defined(r.data)));
  });
  app.get('/apps/:id/placements', (c) => c.json(apps.placements(id(c))));
  app.put('/apps/frame-budget', async (c) => {
    const r = z.object({ ms: z.number().positive() }).safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    apps.setFrameBudget(r.data.ms);
    return c.json({ ms: r.data.ms });
  });
  app.get('/placements', (c) => c.json(apps.placements()));
  app.post('/apps/:id/frames', async (c) => {
    const r = frameSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json(await apps.openFrame(id(c), defined(r.data)));
  });

  app.put('/users/:id/admin', async (c) => {
    const r = z.object({ admin: z.boolean() }).safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    setAdmin(portal, id(c), r.data.admin);
    return c.json({ userId: id(c), admin: r.data.admin });
  });

  app.put('/oauth/lifetimes', async (c) => {
    const r = lifetimesSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json(oauth.setLifetimes(defined(r.data)));
  });
  app.post('/oauth/expire', async (c) => {
    const r = filterSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json({ expired: oauth.expireAccessTokens(defined(r.data)) });
  });
  app.post('/oauth/expire-on-call', async (c) => {
    const r = expireOnCallSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    oauth.expireAccessTokensOnCall(r.data);
    return c.json({ armed: true });
  });
  app.post('/oauth/revoke', async (c) => {
    const r = filterSchema.safeParse(await body(c));
    if (!r.success) return c.json({ error: 'INVALID', issues: r.error.issues }, 400);
    return c.json({ revoked: oauth.revokeRefreshTokens(defined(r.data)) });
  });
  app.get('/oauth/counters', (c) => c.json(oauth.counters()));
  app.post('/oauth/counters/reset', (c) => {
    oauth.resetCounters();
    return c.json({ ok: true });
  });
  app.get('/oauth/tokens', (c) => {
    const u = c.req.query('userId');
    return c.json(oauth.tokenSummary(u ? Number(u) : undefined));
  });
  return app;
}
