import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_IDS, DEMO_DISMISSED_IDS } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

function snapshot(p: Awaited<ReturnType<typeof startPortal>>) {
  const s = p.state;
  return JSON.stringify({
    users: [...s.users.values()],
    departments: [...s.departments.values()],
    posts: [...s.posts.values()],
    comments: [...s.comments.values()],
    chats: [...s.chats.values()],
    messages: [...s.messages.values()],
    notifications: [...s.notifications.values()],
    tasks: [...s.tasks.values()],
    events: [...s.calendarEvents.values()],
    storages: [...s.storages.values()],
  });
}

describe('demo portal', () => {
  it('is deterministic: same seed, same data; another seed, other data', async () => {
    const a = await startPortal();
    const b = await startPortal();
    const c = await startPortal({ seed: 7 });
    try {
      expect(snapshot(a)).toBe(snapshot(b));
      expect(snapshot(a)).not.toBe(snapshot(c));
      expect(a.webhookUrl(1).replace(a.url, '')).toBe(b.webhookUrl(1).replace(b.url, ''));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('has 50 employees, two administrators (user 1 is one), five dismissed, and content', async () => {
    const p = await startPortal();
    try {
      const users = [...p.state.users.values()];
      expect(users).toHaveLength(50);
      expect(users.filter((u) => u.isAdmin).map((u) => u.ID)).toEqual([...DEMO_ADMIN_IDS]);
      expect(users.filter((u) => !u.ACTIVE).map((u) => u.ID)).toEqual([...DEMO_DISMISSED_IDS]);
      expect(users.every((u) => u.NAME !== '' && u.EMAIL.includes('@') && u.PERSONAL_BIRTHDAY !== '')).toBe(
        true,
      );
      const s = p.state;
      expect(s.posts.size).toBeGreaterThan(10);
      expect(s.comments.size).toBeGreaterThan(10);
      expect([...s.chats.values()].some((c) => c.type === 'private')).toBe(true);
      expect([...s.chats.values()].some((c) => c.type === 'chat')).toBe(true);
      expect(s.messages.size).toBeGreaterThan(100);
      expect(s.tasks.size).toBeGreaterThan(10);
      expect(s.calendarEvents.size).toBeGreaterThan(10);
      expect(s.notifications.size).toBeGreaterThan(10);
      expect(s.storages.size).toBe(51);
    } finally {
      await p.close();
    }
  });

  it('reset() restores the seeded data and keeps issued webhooks', async () => {
    const p = await startPortal();
    try {
      const before = snapshot(p);
      const hook = p.webhookUrl(7);
      await call(p.webhookUrl(1), 'user.update', { ID: 7, NAME: 'Changed' });
      p.seed.users(10);
      p.reset();
      expect(snapshot(p)).toBe(before);
      expect((await call(hook, 'user.current')).status).toBe(200);
      expect(p.counters.httpRequests).toBe(1);
    } finally {
      await p.close();
    }
  });
});

describe('seeding helpers', () => {
  it('builds a subject with 5,000 chat messages that reads back page by page with LAST_ID', async () => {
    const p = await startPortal({ dataset: 'empty' });
    try {
      const [subject, peer] = p.seed.users(2);
      const chat = p.seed.privateChat(subject!.ID, peer!.ID);
      p.seed.messages(chat.id, 5_000, { authorIds: [subject!.ID, peer!.ID] });
      const hook = p.webhookUrl(subject!.ID);
      const seen = new Set<number>();
      let lastId: number | undefined;
      for (let i = 0; i < 200; i++) {
        const r = await call(hook, 'im.dialog.messages.get', {
          DIALOG_ID: String(peer!.ID),
          LIMIT: 50,
          ...(lastId ? { LAST_ID: lastId } : {}),
        });
        const msgs = (r.body.result as { messages: { id: number }[] }).messages;
        if (msgs.length === 0) break;
        for (const m of msgs) seen.add(m.id);
        lastId = Math.min(...msgs.map((m) => m.id));
      }
      expect(seen.size).toBe(5_000);
      const limited = await call(hook, 'im.dialog.messages.get', { DIALOG_ID: String(peer!.ID) });
      expect((limited.body.result as { messages: unknown[] }).messages).toHaveLength(20);
      const capped = await call(hook, 'im.dialog.messages.get', { DIALOG_ID: String(peer!.ID), LIMIT: 500 });
      expect((capped.body.result as { messages: unknown[] }).messages).toHaveLength(50);
      const fromStart = await call(hook, 'im.dialog.messages.get', {
        DIALOG_ID: String(peer!.ID),
        FIRST_ID: 0,
        LIMIT: 3,
      });
      const first = (fromStart.body.result as { messages: { id: number }[] }).messages.map((m) => m.id);
      expect(first).toEqual(chat.messageIds.slice(0, 3));
    } finally {
      await p.close();
    }
  });

  it('creates 1,000+ users quickly and over HTTP', async () => {
    const p = await startPortal({ dataset: 'empty' });
    try {
      const t0 = Date.now();
      p.seed.users(1_000);
      const res = await fetch(`${p.url}/_sandbox/seed/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: 500 }),
      });
      expect(((await res.json()) as { ids: number[] }).ids).toHaveLength(500);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect((await call(p.webhookUrl(1), 'user.get')).body.total).toBe(1_501);
    } finally {
      await p.close();
    }
  });
});
