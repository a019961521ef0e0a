import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialStatus } from '../../src/modules/portal/connect.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';
import { readZip } from '../support/zip.ts';

/**
 * Webhook mode on the sandbox holds every user's webhook. Here the PortalConnection seam says what a real
 * portal would: no credentials of the subject (missing), or credentials the portal refused for good
 * (dead). Previews and exports must name what they cannot read, and why, in the connection's words.
 */
const MISSING = 5;
const DEAD = 6;
const STATUS: Record<number, Extract<CredentialStatus, { reason: string }>> = {
  [MISSING]: {
    state: 'missing',
    reason: `no credentials of user ${MISSING} are configured (incoming webhook mode)`,
  },
  [DEAD]: { state: 'dead', reason: 'the portal refused the refresh token (invalid_grant)' },
};

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi();
  const portal = api.services.portal;
  const status = portal.credentialStatus.bind(portal);
  const credentialsFor = portal.credentialsFor.bind(portal);
  const asUser = portal.asUser.bind(portal);
  portal.credentialStatus = async (id) => STATUS[id] ?? status(id);
  portal.credentialsFor = async (id) => (STATUS[id] ? undefined : credentialsFor(id));
  portal.asUser = (id) => (STATUS[id] ? undefined : asUser(id));
  admin = await api.tokenFor(1);
  await api.gql(
    'mutation { updateSettings(input: { anonymisationEnabled: true, erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
});
afterAll(() => api.close());

const PREVIEW = `mutation ($u: Int!) { previewErasure(userId: $u) { __typename
  ... on ErasurePreview { unavailable { category code reason } } ... on Error { message } } }`;

describe("without the subject's usable credentials", () => {
  it('the erasure preview names the categories it cannot read or erase, and why', async () => {
    for (const [userId, code, words] of [
      [MISSING, 'NO_SUBJECT_CREDENTIALS', "No credentials of the subject's own are held"],
      [DEAD, 'SUBJECT_TOKEN_DEAD', "The subject's token no longer works"],
    ] as const) {
      const preview = (await api.gql(PREVIEW, { u: userId }, { token: admin })).data?.previewErasure;
      expect(preview.__typename, JSON.stringify(preview)).toBe('ErasurePreview');
      expect(preview.unavailable.map((u: { category: string }) => u.category)).toEqual([
        'chat-message',
        'live-feed-post',
      ]);
      for (const u of preview.unavailable) {
        expect(u.code).toBe(code);
        expect(u.reason).toContain(words);
        expect(u.reason).toContain(STATUS[userId]!.reason);
      }
    }
    // A subject whose webhook we hold: nothing unavailable.
    const fine = (await api.gql(PREVIEW, { u: 7 }, { token: admin })).data?.previewErasure;
    expect(fine.unavailable).toEqual([]);
  });

  it("the export lists chats as not readable in its manifest, with the connection's reason", async () => {
    const token = await api.tokenFor(DEAD);
    const started = await api.gql(
      `mutation { requestDataExport(userId: ${DEAD}) { ... on DataSubjectRequest { id } } }`,
      {},
      { token },
    );
    const done = await waitForRequest(api, started.data?.requestDataExport.id, token);
    expect(done.status, done.error).toBe('COMPLETED');
    const response = await api.fetch(done.download.url.replace('http://api.test', ''), {
      headers: { authorization: `Bearer ${token}` },
    });
    const files = await readZip(Buffer.from(await response.arrayBuffer()));
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    const chats = manifest.notAccessible.filter((n: { category: string }) => n.category.startsWith('chat'));
    expect(chats.map((n: { category: string }) => n.category)).toEqual(['chats', 'chat-messages']);
    for (const entry of chats) {
      expect(entry).toMatchObject({ code: 'SUBJECT_TOKEN_DEAD', partial: false });
      expect(entry.reason).toContain(STATUS[DEAD]!.reason);
    }
    // The README says it too, in words wrapped to its width.
    const readme = files.get('README.txt')!.toString('utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('WHAT COULD NOT BE READ');
    expect(readme).toContain(STATUS[DEAD]!.reason);
  });
});
