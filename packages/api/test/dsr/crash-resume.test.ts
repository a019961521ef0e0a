import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';
import { spawnWorker } from '../support/worker-process.ts';

const MESSAGES = 5_000;
let api: TestApi;
let dataDir: string;
let subjectId: number;
let messageIds: number[];

beforeAll(async () => {
  // The test process runs no jobs: only the worker processes below do.
  api = await startTestApi({ jobs: false });
  dataDir = await mkdtemp(path.join(tmpdir(), 'b24-worker-'));
  const subject = api.portal.seed.user({ NAME: 'Erin', LAST_NAME: 'Eraser' });
  subjectId = Number(subject.ID);
  const chat = api.portal.seed.chat([subjectId, 3], { type: 'chat', title: 'Project room' });
  messageIds = api.portal.seed.messages(chat.id, MESSAGES, { authorIds: [subjectId] }).map((m) => m.id);
  await api.services.settings.update(api.services.orm.em.fork(), { erasureEnabled: true }, 1);
});
afterAll(async () => {
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('an erasure survives its worker being killed', () => {
  it('deletes every one of 5,000 messages exactly once across a SIGKILL and a restart', async () => {
    const admin = await api.tokenFor(1);
    const preview = (
      await api.gql(
        `mutation { previewErasure(userId: ${subjectId}) { ... on ErasurePreview { token categories { category toDelete } } } }`,
        {},
        { token: admin },
      )
    ).data?.previewErasure;
    expect(preview.categories).toContainEqual(expect.objectContaining({ toDelete: MESSAGES }));
    const confirmed = (
      await api.gql(
        `mutation ($t: String!) { eraseUser(userId: ${subjectId}, previewToken: $t) { ... on DataSubjectRequest { id status } } }`,
        { t: preview.token },
        { token: admin },
      )
    ).data?.eraseUser;
    expect(confirmed.status).toBe('PENDING');

    const env = {
      DATABASE_URL: api.databaseUrl,
      SANDBOX_URL: api.portal.url,
      DATA_DIR: dataDir,
      AUDIT_KEYS_DIR: path.join(api.services.config.DATA_DIR, 'keys'),
      BITRIX24_PLAN: 'enterprise',
      DSR_LEASE_SECONDS: '2',
      DSR_SWEEP_SECONDS: '0.5',
    };
    const deletes = () => api.portal.counters.calls('im.message.delete');
    const first = spawnWorker(env);
    // Let it get well into the messages, then kill it without warning.
    for (let i = 0; i < 600 && deletes() < 1_500; i++) await new Promise((r) => setTimeout(r, 100));
    expect(deletes()).toBeGreaterThanOrEqual(1_500);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = deletes();
    expect(atKill).toBeLessThan(MESSAGES);

    const second = spawnWorker(env);
    try {
      const done = await waitForRequest(api, confirmed.id, admin, 180);
      expect(done.status, second.output.join('')).toBe('COMPLETED');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const calls = messageIds.map((id) => api.portal.counters.calls('im.message.delete', id));
    expect(calls.filter((n) => n !== 1)).toEqual([]);
    expect(
      messageIds.every(
        (id) => api.portal.state.messages.get(id)?.deleted === true || !api.portal.state.messages.has(id),
      ),
    ).toBe(true);
  });
});
