import { readFile } from 'node:fs/promises';
import { DELETED_MESSAGE_TEXT } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { ErasureItem } from '../../src/modules/dsr/erasure-item.entity.ts';
import { readZip } from '../support/zip.ts';
import { type AppApi, startAppApi } from './app-api.ts';

/**
 * Data-subject requests in application mode: every employee who opens the portal hands the app their own
 * token (the background-worker frame), so exports read private chats as their owner and erasure takes
 * its inventory as the subject before the administrator deletes. The sandbox is an OAuth portal.
 */
const USERS = [3, 4, 5, 6, 7] as const;
/** Never opened the portal since the install: no token of theirs. */
const WITHOUT_TOKEN = 8;

let app: AppApi;
let admin: string;
/** Per user, the ids of the private-chat messages they wrote. */
const written = new Map<number, number[]>();

const PREVIEW = `mutation ($u: Int!) { previewErasure(userId: $u) { __typename
  ... on ErasurePreview { token categories { category toDelete kept } unavailable { category code reason } }
  ... on Error { message } } }`;
const ERASE = `mutation ($u: Int!, $t: String!) { eraseUser(userId: $u, previewToken: $t) { __typename
  ... on DataSubjectRequest { id status } ... on Error { message } } }`;

const em = () => app.api.services.orm.em.fork();

/** Starts the subject's own export and runs it here (the harness runs no job workers). */
async function exportOf(userId: number) {
  const token = await app.api.tokenFor(userId);
  const started = await app.api.gql(
    `mutation { requestDataExport(userId: ${userId}) { ... on DataSubjectRequest { id } ... on Error { message } } }`,
    {},
    { token },
  );
  const id = started.data?.requestDataExport.id as string;
  expect(id, JSON.stringify(started)).toBeTruthy();
  await app.api.services.runner.run(id);
  return em().findOneOrFail(DataSubjectRequest, id);
}

async function archiveOf(request: DataSubjectRequest) {
  const files = await readZip(await readFile(request.archivePath!));
  return {
    manifest: JSON.parse(files.get('manifest.json')!.toString('utf8')),
    text: (name: string) => files.get(name)!.toString('utf8'),
  };
}

beforeAll(async () => {
  app = await startAppApi();
  await app.install();
  admin = await app.api.tokenFor(1);
  await app.api.gql(
    'mutation { updateSettings(input: { anonymisationEnabled: true, erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
  const { seed } = app.api.portal;
  // A ring of private chats: each user talks privately with the next, with text only those two can read.
  for (const [i, a] of USERS.entries()) {
    const b = USERS[(i + 1) % USERS.length]!;
    const chat = seed.privateChat(a, b);
    for (const [author, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const m = seed.message(chat.id, author, `private note from ${author} to ${other}`);
      written.set(author, [...(written.get(author) ?? []), m.id]);
    }
  }
  // Each of them opens a portal page: the hidden frame hands the app their token.
  for (const userId of USERS) expect((await app.backgroundFrame(userId)).status).toBe(200);
}, 120_000);
afterAll(() => app?.close());

describe('data-subject requests in application mode', () => {
  it("exports each user's private chats, read with their own token", async () => {
    for (const userId of USERS) {
      const request = await exportOf(userId);
      expect(request.status, request.error ?? '').toBe('COMPLETED');
      const { manifest, text } = await archiveOf(request);
      expect(
        manifest.notAccessible.filter((n: { category: string }) => n.category.startsWith('chat')),
      ).toEqual([]);
      const messages = text('chat-messages.csv');
      const i = USERS.indexOf(userId);
      const next = USERS[(i + 1) % USERS.length]!;
      const previous = USERS[(i + USERS.length - 1) % USERS.length]!;
      // Both private chats of theirs, their own messages only.
      expect(messages).toContain(`private note from ${userId} to ${next}`);
      expect(messages).toContain(`private note from ${userId} to ${previous}`);
      expect(messages).not.toContain(`private note from ${next} to ${userId}`);
    }
  }, 300_000);

  it('refreshes an expired token once mid-export, and the export completes', async () => {
    const [userId] = USERS;
    app.api.portal.oauth.resetCounters();
    // The portal expires the subject's (and everyone's) access tokens before the export reads chats.
    expect(app.api.portal.oauth.expireAccessTokens({ userId })).toBeGreaterThan(0);
    const request = await exportOf(userId);
    expect(request.status, request.error ?? '').toBe('COMPLETED');
    // One refresh of the subject's token (the export's other reads use the administrator's).
    const counters = app.api.portal.oauth.counters();
    expect(counters.byGrant.refresh_token).toBe(1);
    expect(counters.byUser[String(userId)]).toBe(1);
    expect((await archiveOf(request)).text('chat-messages.csv')).toContain(`private note from ${userId}`);
  });

  it('refreshes once when the token expires in the middle of the chat reads, and the export completes', async () => {
    const [, userId] = USERS;
    app.api.portal.oauth.resetCounters();
    // Not before the run: the subject's token expires when their first message read arrives, after the
    // chat list was read with the same token.
    app.api.portal.oauth.expireAccessTokensOnCall({ userId: userId!, method: 'im.dialog.messages.get' });
    const request = await exportOf(userId!);
    expect(request.status, request.error ?? '').toBe('COMPLETED');
    const counters = app.api.portal.oauth.counters();
    expect(counters.byGrant.refresh_token).toBe(1);
    expect(counters.byUser[String(userId)]).toBe(1);
    const messages = (await archiveOf(request)).text('chat-messages.csv');
    // Both private chats, the one read before the expiry and the one after.
    expect(messages).toContain(`private note from ${userId} to ${USERS[0]}`);
    expect(messages).toContain(`private note from ${userId} to ${USERS[2]}`);
  });

  it('names what cannot be read or erased when the subject has no token, before anyone confirms', async () => {
    const answer = (await app.api.gql(PREVIEW, { u: WITHOUT_TOKEN }, { token: admin })).data?.previewErasure;
    expect(answer.__typename, JSON.stringify(answer)).toBe('ErasurePreview');
    expect(answer.unavailable.map((u: { category: string }) => u.category)).toEqual([
      'chat-message',
      'live-feed-post',
    ]);
    for (const u of answer.unavailable) {
      expect(u.code).toBe('NO_SUBJECT_CREDENTIALS');
      expect(u.reason).toMatch(/No credentials of the subject's own are held/);
    }
    const withToken = (await app.api.gql(PREVIEW, { u: USERS[1] }, { token: admin })).data?.previewErasure;
    expect(withToken.unavailable).toEqual([]);
  });

  it('erases in the platform order: inventory as the subject, deactivate, the administrator deletes; tombstones', async () => {
    const subject = USERS[2];
    const preview = (await app.api.gql(PREVIEW, { u: subject }, { token: admin })).data?.previewErasure;
    expect(preview.unavailable).toEqual([]);
    const confirmed = (await app.api.gql(ERASE, { u: subject, t: preview.token }, { token: admin })).data
      ?.eraseUser;
    expect(confirmed.__typename, JSON.stringify(confirmed)).toBe('DataSubjectRequest');
    app.api.portal.counters.reset();
    await app.api.services.runner.run(confirmed.id);
    const request = await em().findOneOrFail(DataSubjectRequest, confirmed.id);
    expect(request.status, request.error ?? '').toBe('COMPLETED');

    // The portal: every message they wrote is the tombstone, deleted once; the others' stay.
    const state = app.api.portal.state;
    for (const id of written.get(subject)!) {
      expect(state.messages.get(id)).toMatchObject({ deleted: true, text: DELETED_MESSAGE_TEXT });
      expect(app.api.portal.counters.calls('im.message.delete', id)).toBe(1);
    }
    const theirs = [...state.messages.values()].filter((m) => m.authorId === subject && !m.deleted);
    expect(theirs).toEqual([]);
    expect(state.user(subject)?.ACTIVE).toBe(false);
    const neighbour = USERS[3];
    expect(state.messages.get(written.get(neighbour)![0]!)).toMatchObject({ deleted: false });

    // Our storage: the inventory was in the ledger before the account was deactivated; every message row
    // was settled after it. The result reports the tombstones.
    const checkpoint = request.checkpoint as Record<string, any>;
    expect(checkpoint.recollection?.readAsSubject).toBe(true);
    const deactivatedAt = new Date(checkpoint.accountDeactivatedAt).getTime();
    const rows = await em().find(ErasureItem, { requestId: request.id, category: 'chat-message' });
    expect(rows.length).toBeGreaterThanOrEqual(written.get(subject)!.length);
    for (const row of rows) {
      expect(row.state).toBe('DONE');
      expect(row.createdAt.getTime()).toBeLessThan(deactivatedAt);
      expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(deactivatedAt);
    }
    const result = request.result as Record<string, any>;
    expect(result.tombstones.count).toBe(rows.length);
    expect(result.verification.leftOver).toEqual([]);
  });

  it('ends an export with a clear reason when the refresh token was revoked, leaving nothing behind', async () => {
    const userId = USERS[3];
    app.api.portal.oauth.revokeRefreshTokens({ userId });
    app.api.portal.oauth.expireAccessTokens({ userId });
    const notesBefore = app.api.portal.state.notifications.size;
    const request = await exportOf(userId);
    expect(request.status).toBe('FAILED');
    expect(request.error).toMatch(
      /own Bitrix24 authorisation was revoked while the export was reading their chats/,
    );
    expect(request.error).toMatch(/unfinished archive was deleted and nothing was sent/);
    expect(request.archivePath).toBeNull();
    expect(app.api.portal.state.notifications.size).toBe(notesBefore);
    expect((await app.api.services.portal.credentialStatus(userId)).state).toBe('dead');
    // The next preview names it before anyone confirms.
    const preview = (await app.api.gql(PREVIEW, { u: userId }, { token: admin })).data?.previewErasure;
    expect(preview.unavailable.map((u: { code: string }) => u.code)).toEqual([
      'SUBJECT_TOKEN_DEAD',
      'SUBJECT_TOKEN_DEAD',
    ]);
  });

  it('ends an erasure whose subject token dies before anything changed, with nothing deleted', async () => {
    const subject = USERS[4];
    const preview = (await app.api.gql(PREVIEW, { u: subject }, { token: admin })).data?.previewErasure;
    const confirmed = (await app.api.gql(ERASE, { u: subject, t: preview.token }, { token: admin })).data
      ?.eraseUser;
    app.api.portal.oauth.revokeRefreshTokens({ userId: subject });
    app.api.portal.oauth.expireAccessTokens({ userId: subject });
    app.api.portal.counters.reset();
    await app.api.services.runner.run(confirmed.id);
    const request = await em().findOneOrFail(DataSubjectRequest, confirmed.id);
    expect(request.status).toBe('FAILED');
    expect(request.error).toMatch(/own Bitrix24 authorisation was revoked while the erasure was reading/);
    const c = app.api.portal.counters;
    expect(c.calls('im.message.delete') + c.calls('log.blogpost.delete') + c.calls('user.update')).toBe(0);
    expect(app.api.portal.state.user(subject)?.ACTIVE).toBe(true);
    const settled = await em().count(ErasureItem, {
      requestId: request.id,
      state: { $in: ['DONE', 'IN_FLIGHT'] },
    });
    expect(settled).toBe(0);
  });
});
