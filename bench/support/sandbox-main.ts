/**
 * A sandbox portal in a process of its own, seeded with bench subjects. Argument: a JSON
 * `SandboxSpec`. Prints `{ url, domain, webhooks, subjects }` once ready, then serves until killed.
 */
import { createSandboxPortal } from '../../packages/sandbox/src/index.ts';
import { report } from './child.ts';
import type { SandboxSpec, SeededSubject } from './sandbox.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as SandboxSpec;
const portal = await createSandboxPortal({ dataset: 'empty', rateLimit: spec.rateLimit ?? false });
const { seed } = portal;
// Texts like a short chat line; flat strings, so reading them does not grow the portal's heap.
const line = (kind: string, i: number) =>
  Buffer.from(`${kind} ${i}: see you at the stand-up, notes are in Drive`).toString();
const subjects: SeededSubject[] = [];
const post = seed.post(1, 'Announcements');
for (const want of spec.subjects) {
  const user = seed.user({ NAME: 'Bench', LAST_NAME: want.label });
  const chat = seed.privateChat(user.ID, 1);
  seed.messages(chat.id, want.messages, { authorIds: [user.ID], text: (i) => line('message', i) });
  for (let i = 0; i < want.comments; i++) seed.comment(post.id, user.ID, line('comment', i));
  for (let i = 0; i < want.tasks; i++) seed.task(line('task', i), user.ID, user.ID);
  subjects.push({ ...want, userId: user.ID });
}
const webhooks: Record<number, string> = { 1: portal.webhookUrl(1) };
for (const subject of subjects) webhooks[subject.userId] = portal.webhookUrl(subject.userId);
report({ url: portal.url, domain: portal.domain, webhooks, subjects });
process.on('SIGTERM', () => {
  portal.close().finally(() => process.exit(0));
});
