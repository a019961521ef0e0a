import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { ErasureItem } from '../../src/modules/dsr/erasure-item.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';

/**
 * previewErasure → the portal changes → eraseUser, as an auditor checks it: in the portal's state and in
 * the request's stored row. The erasure erases what exists when it runs, and ends COMPLETED only when its
 * verification sweep finds nothing of the subject's left but what the result lists as kept.
 */
let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.tokenFor(1);
  await api.services.settings.update(api.services.orm.em.fork(), { erasureEnabled: true }, 1);
});
afterAll(() => api.close());

const PREVIEW = `mutation ($u: Int!) { previewErasure(userId: $u) { __typename
  ... on ErasurePreview { token request { id } } ... on Error { message } } }`;
const ERASE = `mutation ($u: Int!, $t: String!) { eraseUser(userId: $u, previewToken: $t) { __typename
  ... on DataSubjectRequest { id status } ... on Error { message } } }`;

async function previewThenErase(subjectId: number, between: () => Promise<void>) {
  const preview = (await api.gql(PREVIEW, { u: subjectId }, { token: admin })).data?.previewErasure;
  expect(preview.__typename, preview.message).toBe('ErasurePreview');
  await between();
  const confirmed = (await api.gql(ERASE, { u: subjectId, t: preview.token }, { token: admin })).data
    ?.eraseUser;
  expect(confirmed.__typename, confirmed.message).toBe('DataSubjectRequest');
  const done = await waitForRequest(api, confirmed.id, admin);
  const stored = await api.services.orm.em.fork().findOneOrFail(DataSubjectRequest, confirmed.id);
  return { done, stored };
}

/** A REST call with the user's own webhook, as the user would make it. */
async function asUser(userId: number, method: string, params: Record<string, unknown>) {
  const res = await fetch(`${api.portal.webhookUrl(userId)}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { result?: unknown; error?: string };
  if (!res.ok) throw new Error(`${method}: ${body.error}`);
  return body.result;
}

const postsBy = (userId: number) => [...api.portal.state.posts.values()].filter((p) => p.authorId === userId);

describe('erasure verified against the portal', () => {
  it('erases a Live Feed post written after the preview and says it was added since the preview', async () => {
    const subjectId = 20;
    let lateId = 0;
    const { done, stored } = await previewThenErase(subjectId, async () => {
      lateId = Number(
        await asUser(subjectId, 'log.blogpost.add', { POST_MESSAGE: 'One more thing', DEST: ['UA'] }),
      );
      expect(api.portal.state.posts.has(lateId)).toBe(true);
    });

    expect(stored.status, stored.error ?? '').toBe('COMPLETED');
    expect(api.portal.state.posts.has(lateId)).toBe(false);
    expect(postsBy(subjectId)).toEqual([]);
    const result = stored.result as Record<string, any>;
    expect(result.addedSincePreview.items).toContainEqual(
      expect.objectContaining({ category: 'live-feed-post', portalId: String(lateId), state: 'DONE' }),
    );
    expect(result.messages.join('\n')).toMatch(/added since the preview/);
    expect(result.verification.leftOver).toEqual([]);
    expect(done.status).toBe('COMPLETED');
  });

  it('ends COMPLETED_WITH_EXCEPTIONS listing a post the portal would not delete', async () => {
    const subjectId = 21;
    const stuck = api.portal.seed.post(subjectId, 'Cannot be deleted', { dest: ['UA'] });
    const other = api.portal.seed.post(subjectId, 'Can be deleted', { dest: ['UA'] });
    // The portal refuses this one post's deletion every time, as it would for a post it locked.
    api.portal.faults.inject({
      kind: 'access-denied',
      methods: ['log.blogpost.delete'],
      target: String(stuck.id),
    });
    const { done, stored } = await previewThenErase(subjectId, async () => {});
    api.portal.faults.clear();

    expect(api.portal.state.posts.has(stuck.id)).toBe(true);
    expect(api.portal.state.posts.has(other.id)).toBe(false);
    expect(postsBy(subjectId).map((p) => p.id)).toEqual([stuck.id]);
    expect(stored.status).toBe('COMPLETED_WITH_EXCEPTIONS');
    expect(done.status).toBe('COMPLETED_WITH_EXCEPTIONS');
    const result = stored.result as Record<string, any>;
    expect(result.verification.leftOver).toEqual([
      {
        category: 'live-feed-post',
        portalId: String(stuck.id),
        label: expect.stringMatching(new RegExp(`^Live Feed post #${stuck.id} of `)),
      },
    ]);
    expect(result.verification.counts).toContainEqual({
      category: 'live-feed-post',
      found: 1,
      kept: 0,
      leftOver: 1,
    });
    expect(result.messages.join('\n')).toMatch(
      /verification sweep found 1 item of the subject still on the portal/,
    );
    // The ledger knows it as a failed deletion, not as something kept by a rule.
    const row = await api.services.orm.em
      .fork()
      .findOneOrFail(ErasureItem, { requestId: stored.id, portalId: String(stuck.id) });
    expect(row).toMatchObject({ state: 'KEPT', failed: true });
    // The rest of the erasure still ran to its end.
    expect(api.portal.state.users.get(subjectId)).toMatchObject({ ACTIVE: false });
  });
  it('answers a typed PortalUnavailableError when the portal cannot be read for a preview, and stores no plan', async () => {
    const subjectId = 22;
    const requests = () => api.services.orm.em.fork().count(DataSubjectRequest, { type: 'ERASE' });
    const before = await requests();
    api.portal.faults.inject({ kind: 'access-denied', methods: ['im.recent.list'] });
    const preview = (await api.gql(PREVIEW, { u: subjectId }, { token: admin })).data?.previewErasure;
    api.portal.faults.clear();
    expect(preview.__typename).toBe('PortalUnavailableError');
    expect(preview.message).toMatch(/^The portal could not be read in full \(im\.recent\.list: /);
    expect(await requests()).toBe(before);
  });
  it('never reads a place the portal refused to show as empty: unreadable task comments and chats are left over', async () => {
    const subjectId = 23;
    const task = api.portal.seed.task('Quarterly plan', 1, 1);
    const comment = api.portal.seed.taskComment(task.id, subjectId, 'Hidden from the reader');
    const chat = api.portal.seed.chat([1, subjectId], { type: 'chat', title: 'Refused room' });
    const message = api.portal.seed.message(chat.id, subjectId, 'Also hidden');
    api.portal.faults.inject({
      kind: 'access-denied',
      methods: ['task.commentitem.getlist', 'im.dialog.messages.get'],
    });
    const { done, stored } = await previewThenErase(subjectId, async () => {});
    api.portal.faults.clear();

    // Still there, so never COMPLETED: each refused place is named as left over.
    expect(api.portal.state.taskComments.get(comment.id)).toMatchObject({ text: 'Hidden from the reader' });
    expect(api.portal.state.messages.get(message.id)).toMatchObject({ deleted: false });
    expect(done.status).toBe('COMPLETED_WITH_EXCEPTIONS');
    const leftOver = (stored.result as Record<string, any>).verification.leftOver as {
      category: string;
      portalId: string;
    }[];
    expect(leftOver).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'task-comment', portalId: `unreadable:task #${task.id}` }),
        expect.objectContaining({
          category: 'chat-message',
          portalId: expect.stringMatching(/^unreadable:/),
        }),
      ]),
    );
  });
});
