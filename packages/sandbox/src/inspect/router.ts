import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { FAULT_KINDS, type FaultKind } from '../faults.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { SeedHelpers } from '../seed/helpers.ts';
import { appsInspectRouter } from './apps-router.ts';

export interface InspectActions {
  reset(): void;
}

const faultSchema = z.object({
  kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
  methods: z.array(z.string()).optional(),
  count: z.number().int().positive().optional(),
  durationMs: z.number().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).optional(),
  target: z.string().optional(),
  id: z.string().optional(),
});

const rateLimitSchema = z.union([
  z.literal(false),
  z.object({ burst: z.number().int().positive(), drainPerSecond: z.number().positive() }),
]);

const numberParam = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/**
 * Test-only JSON API under `/_sandbox`: state, counters, faults, reset, webhooks and seeding,
 * over HTTP so API processes in other OS processes can drive the portal.
 */
export function inspectRouter(
  portal: SandboxRuntime,
  actions: InspectActions,
): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>({ strict: false });
  const s = () => portal.state;

  app.get('/info', (c) =>
    c.json({
      name: s().name,
      domain: portal.domain,
      url: portal.baseUrl,
      memberId: portal.memberId,
      applicationToken: portal.applicationToken,
      dataset: portal.dataset,
      seed: portal.seed,
      rateLimit: portal.bucket.settings,
      methods: portal.methods.names(),
      adminWebhookUrl: portal.webhookUrl(1),
      // Every user's own incoming webhook (any portal user may create one), so a process attached to this
      // sandbox can act as each of them, including users added after it attached.
      webhookUrls: Object.fromEntries([...s().users.keys()].map((id) => [id, portal.webhookUrl(id)])),
      // Registered applications with their keys (test-only: a real portal shows them in the app form).
      apps: [...portal.apps.apps.values()],
      oauthTokenUrl: `${portal.baseUrl}/oauth/token/`,
    }),
  );
  app.route('/', appsInspectRouter(portal));

  app.get('/state/users', (c) => c.json([...s().users.values()]));
  app.get('/state/users/:id', (c) => {
    const u = s().user(Number(c.req.param('id')));
    return u ? c.json(u) : c.json({ error: 'NOT_FOUND' }, 404);
  });
  app.get('/state/departments', (c) => c.json([...s().departments.values()]));
  app.get('/state/notifications', (c) => {
    const userId = numberParam(c.req.query('userId'));
    return c.json([...s().notifications.values()].filter((n) => userId === undefined || n.userId === userId));
  });
  app.get('/state/chats', (c) => {
    const userId = numberParam(c.req.query('userId'));
    return c.json(
      [...s().chats.values()].filter((ch) => userId === undefined || ch.memberIds.includes(userId)),
    );
  });
  app.get('/state/messages', (c) => {
    const chatId = numberParam(c.req.query('chatId'));
    const authorId = numberParam(c.req.query('authorId'));
    return c.json(
      [...s().messages.values()].filter(
        (m) =>
          (chatId === undefined || m.chatId === chatId) &&
          (authorId === undefined || m.authorId === authorId),
      ),
    );
  });
  app.get('/state/posts', (c) => {
    const authorId = numberParam(c.req.query('authorId'));
    return c.json([...s().posts.values()].filter((p) => authorId === undefined || p.authorId === authorId));
  });
  app.get('/state/comments', (c) => {
    const authorId = numberParam(c.req.query('authorId'));
    return c.json(
      [...s().comments.values()].filter((p) => authorId === undefined || p.authorId === authorId),
    );
  });
  app.get('/state/tasks', (c) => c.json([...s().tasks.values()]));
  app.get('/state/task-comments', (c) => {
    const taskId = numberParam(c.req.query('taskId'));
    return c.json([...s().taskComments.values()].filter((t) => taskId === undefined || t.taskId === taskId));
  });
  app.get('/state/calendar-events', (c) => c.json([...s().calendarEvents.values()]));
  app.get('/state/storages', (c) => c.json([...s().storages.values()]));
  app.get('/state/authorizations', (c) => c.json(portal.sessions.authorizations));
  app.get('/state/event-bindings', (c) => c.json([...s().eventBindings.values()]));
  app.get('/state/im-events', (c) => c.json(s().imEvents));
  app.get('/deliveries', (c) => c.json(s().deliveries));

  app.get('/counters', (c) => c.json(portal.counters.snapshot()));
  app.post('/counters/reset', (c) => {
    portal.counters.reset();
    return c.json({ ok: true });
  });

  app.get('/faults', (c) => c.json(portal.faults.list()));
  app.post('/faults', async (c) => {
    const parsed = faultSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'INVALID_FAULT', issues: parsed.error.issues }, 400);
    const f = parsed.data;
    const id = portal.faults.inject({
      kind: f.kind,
      ...(f.methods ? { methods: f.methods } : {}),
      ...(f.count !== undefined ? { count: f.count } : {}),
      ...(f.durationMs !== undefined ? { durationMs: f.durationMs } : {}),
      ...(f.probability !== undefined ? { probability: f.probability } : {}),
      ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}),
      ...(f.target !== undefined ? { target: f.target } : {}),
      ...(f.id !== undefined ? { id: f.id } : {}),
    });
    return c.json({ id });
  });
  app.delete('/faults', (c) => {
    portal.faults.clear();
    return c.json({ ok: true });
  });
  app.delete('/faults/:id', (c) => {
    portal.faults.remove(c.req.param('id'));
    return c.json({ ok: true });
  });

  app.put('/rate-limit', async (c) => {
    const parsed = rateLimitSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'INVALID_RATE_LIMIT', issues: parsed.error.issues }, 400);
    portal.bucket.configure(parsed.data);
    return c.json({ rateLimit: portal.bucket.settings });
  });

  app.post('/reset', (c) => {
    actions.reset();
    return c.json({ ok: true });
  });

  app.get('/webhooks', (c) => c.json([...s().webhooks.values()]));
  app.post('/webhooks', async (c) => {
    const body = z
      .object({ userId: z.number().int().positive() })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: 'INVALID_USER', issues: body.error.issues }, 400);
    if (!s().user(body.data.userId)) return c.json({ error: 'NOT_FOUND' }, 404);
    const hook = portal.issueWebhook(body.data.userId);
    return c.json({ userId: hook.userId, code: hook.code, url: portal.webhookUrl(hook.userId) });
  });

  // Seeding over HTTP, for volume scenarios driven from another process.
  const seed = () => new SeedHelpers(s());
  app.post('/seed/users', async (c) => {
    const b = z
      .object({ count: z.number().int().positive().max(100_000), prefix: z.string().optional() })
      .safeParse(await c.req.json().catch(() => null));
    if (!b.success) return c.json({ error: 'INVALID_SEED', issues: b.error.issues }, 400);
    const users = seed().users(b.data.count, {}, b.data.prefix);
    return c.json({ ids: users.map((u) => u.ID) });
  });
  app.post('/seed/chat', async (c) => {
    const b = z
      .object({
        memberIds: z.array(z.number().int().positive()).min(1),
        title: z.string().optional(),
        type: z.enum(['private', 'chat', 'open']).optional(),
      })
      .safeParse(await c.req.json().catch(() => null));
    if (!b.success) return c.json({ error: 'INVALID_SEED', issues: b.error.issues }, 400);
    const chat = seed().chat(b.data.memberIds, {
      ...(b.data.title !== undefined ? { title: b.data.title } : {}),
      ...(b.data.type !== undefined ? { type: b.data.type } : {}),
    });
    return c.json({ id: chat.id, dialogId: chat.type === 'private' ? null : `chat${chat.id}` });
  });
  app.post('/seed/messages', async (c) => {
    const b = z
      .object({
        chatId: z.number().int().positive(),
        count: z.number().int().positive().max(1_000_000),
        authorIds: z.array(z.number().int().nonnegative()).optional(),
      })
      .safeParse(await c.req.json().catch(() => null));
    if (!b.success) return c.json({ error: 'INVALID_SEED', issues: b.error.issues }, 400);
    if (!s().chats.has(b.data.chatId)) return c.json({ error: 'NOT_FOUND' }, 404);
    const msgs = seed().messages(
      b.data.chatId,
      b.data.count,
      b.data.authorIds ? { authorIds: b.data.authorIds } : {},
    );
    return c.json({ firstId: msgs[0]?.id ?? null, lastId: msgs.at(-1)?.id ?? null });
  });
  app.post('/seed/posts', async (c) => {
    const b = z
      .object({ authorId: z.number().int().positive(), count: z.number().int().positive().max(100_000) })
      .safeParse(await c.req.json().catch(() => null));
    if (!b.success) return c.json({ error: 'INVALID_SEED', issues: b.error.issues }, 400);
    const h = seed();
    const ids: number[] = [];
    for (let i = 0; i < b.data.count; i++) ids.push(h.post(b.data.authorId, `Post ${i + 1}`).id);
    return c.json({ ids });
  });
  return app;
}
