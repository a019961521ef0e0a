import { DELETED_MESSAGE_TEXT } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousEmail } from '../../src/modules/dsr/anonymise/index.ts';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { ErasureItem } from '../../src/modules/dsr/erasure-item.entity.ts';
import { ApiToken } from '../../src/modules/identity/api-token.entity.ts';
import { UserRights } from '../../src/modules/rights/user-rights.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.tokenFor(1);
  await api.gql(
    'mutation { updateSettings(input: { anonymisationEnabled: true, erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
});
afterAll(() => api.close());

const em = () => api.services.orm.em.fork();
const PREVIEW = `mutation ($u: Int!) { previewErasure(userId: $u) { __typename
  ... on ErasurePreview { token expiresAt digest notes categories { category toDelete kept } kept { category portalId label reason } request { id status } }
  ... on Error { message } } }`;
const ERASE = `mutation ($u: Int!, $t: String!) { eraseUser(userId: $u, previewToken: $t) { __typename
  ... on DataSubjectRequest { id status } ... on InvalidInputError { field message } ... on Error { message } } }`;

describe('anonymisation requested by the employee', () => {
  it('replaces the profile with the pseudonym, keeps their content, and pseudonymises our records', async () => {
    const subjectId = 16;
    await api.gql(
      'mutation { setUserRights(userIds: [16], canAnonymise: true) { __typename } }',
      {},
      { token: admin },
    );
    const token = await api.tokenFor(subjectId);
    const posts = [...api.portal.state.posts.values()].filter((p) => p.authorId === subjectId).length;
    const started = (
      await api.gql(
        `mutation { requestAnonymisation(userId: ${subjectId}) { ... on DataSubjectRequest { id source } } }`,
        {},
        { token },
      )
    ).data?.requestAnonymisation;
    expect(started.source).toBe('SELF');
    const done = await waitForRequest(api, started.id, admin);
    expect(done).toMatchObject({ status: 'COMPLETED', subjectUserId: null });
    expect(done.subjectPseudonym).toMatch(/^anon:[0-9a-f]{16}$/);

    const user = api.portal.state.users.get(subjectId)!;
    const pseudonym = api.services.secret.pseudonymFor(subjectId);
    expect(`${user.NAME} ${user.LAST_NAME}`.trim()).toBe(pseudonym);
    expect(user.EMAIL).toBe(anonymousEmail(subjectId));
    expect(user.PERSONAL_MOBILE ?? '').toBe('');
    expect(user.ACTIVE).toBe(true);
    expect([...api.portal.state.posts.values()].filter((p) => p.authorId === subjectId)).toHaveLength(posts);

    expect(await em().count(UserRights, { userId: subjectId })).toBe(0);
    expect(await em().count(ApiToken, { userId: subjectId })).toBe(0);
    expect(await em().count(DataSubjectRequest, { subjectUserId: subjectId })).toBe(0);
    // The employee's token went with their identity.
    expect((await api.gql('{ me { userId } }', {}, { token })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('erasure by an administrator', () => {
  const subjectId = 17;

  it('previews exactly, refuses a wrong token, and then does what the preview said', async () => {
    // Content of every deletable kind, so each category has something to count and delete.
    const post = api.portal.seed.post(subjectId, 'My holiday plans');
    api.portal.seed.comment(post.id, subjectId, 'Booked!');
    const room = api.portal.seed.chat([subjectId, 3], { type: 'chat', title: 'Team room' });
    const messages = api.portal.seed.messages(room.id, 30, { authorIds: [subjectId] });
    const preview = (await api.gql(PREVIEW, { u: subjectId }, { token: admin })).data?.previewErasure;
    expect(preview.__typename).toBe('ErasurePreview');
    expect(preview.request.status).toBe('AWAITING_CONFIRMATION');
    const planned = Object.fromEntries(preview.categories.map((c: any) => [c.category, c.toDelete]));
    const posts = [...api.portal.state.posts.values()].filter((p) => p.authorId === subjectId);
    const comments = [...api.portal.state.comments.values()].filter((c) => c.authorId === subjectId);
    const ownMessages = [...api.portal.state.messages.values()].filter((m) => m.authorId === subjectId);
    expect(planned['live-feed-post']).toBe(posts.length);
    expect(planned['live-feed-comment']).toBe(comments.length);
    expect(planned['chat-message']).toBe(ownMessages.length);
    expect(preview.kept.map((k: any) => k.reason).join('\n')).toMatch(/no REST method to delete a user/);

    const wrong = (await api.gql(ERASE, { u: subjectId, t: 'not-the-token' }, { token: admin })).data
      ?.eraseUser;
    expect(wrong).toMatchObject({ __typename: 'InvalidInputError', field: 'previewToken' });
    expect(await em().count(ErasureItem, { requestId: preview.request.id })).toBe(0);

    const confirmed = (await api.gql(ERASE, { u: subjectId, t: preview.token }, { token: admin })).data
      ?.eraseUser;
    expect(confirmed.status).toBe('PENDING');
    const done = await waitForRequest(api, confirmed.id, admin);
    expect(done.status, done.error).toBe('COMPLETED');

    for (const p of posts) expect(api.portal.state.posts.has(p.id)).toBe(false);
    for (const c of comments) expect(api.portal.state.comments.has(c.id)).toBe(false);
    for (const m of messages)
      expect(api.portal.state.messages.get(m.id)).toMatchObject({
        deleted: true,
        text: DELETED_MESSAGE_TEXT,
      });
    const user = api.portal.state.users.get(subjectId)!;
    expect(user.ACTIVE).toBe(false);
    expect(user.EMAIL).toBe(anonymousEmail(subjectId));
    expect(done.result.removed).toMatchObject({
      'live-feed-post': posts.length,
      'live-feed-comment': comments.length,
      'chat-message': ownMessages.length,
    });
    const retainedReasons = done.result.retained.map((r: any) => r.reason).join('\n');
    for (const kept of preview.kept) expect(retainedReasons).toContain(kept.reason);
  });

  it('a used token cannot start a second erasure, and the erased subject cannot be previewed again', async () => {
    const again = (await api.gql(PREVIEW, { u: subjectId }, { token: admin })).data?.previewErasure;
    expect(again.__typename).toBe('InvalidInputError');
  });

  it('a new preview replaces the token of the previous one', async () => {
    const first = (await api.gql(PREVIEW, { u: 18 }, { token: admin })).data?.previewErasure;
    const second = (await api.gql(PREVIEW, { u: 18 }, { token: admin })).data?.previewErasure;
    expect(second.request.id).toBe(first.request.id);
    const stale = (await api.gql(ERASE, { u: 18, t: first.token }, { token: admin })).data?.eraseUser;
    if (first.token !== second.token) expect(stale.__typename).toBe('InvalidInputError');
    const cancel = await api.gql(
      `mutation { cancelRequest(id: "${first.request.id}") { __typename ... on DataSubjectRequest { status } } }`,
      {},
      { token: admin },
    );
    expect(cancel.data?.cancelRequest.status).toBe('CANCELLED');
  });
});
