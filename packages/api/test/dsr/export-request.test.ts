import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { waitForRequest } from '../support/requests.ts';
import { readZip } from '../support/zip.ts';

const SUBJECT = 5;
let api: TestApi;
let subject: string;
let request: Record<string, any>;
let link: string;

beforeAll(async () => {
  api = await startTestApi();
  subject = await api.tokenFor(SUBJECT);
  const started = await api.gql(
    `mutation { requestDataExport(userId: ${SUBJECT}) { ... on DataSubjectRequest { id status } } }`,
    {},
    { token: subject },
  );
  request = await waitForRequest(api, started.data?.requestDataExport.id, subject);
});
afterAll(() => api.close());

const download = (url: string, token?: string) =>
  api.fetch(url.replace('http://api.test', ''), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('an employee downloads their data', () => {
  it('completes, and the subject is told through a Bitrix24 notification with the link', () => {
    expect(request).toMatchObject({ status: 'COMPLETED', error: null });
    const notes = [...api.portal.state.notifications.values()].filter(
      (n) => n.userId === SUBJECT && n.message.includes('/exports/'),
    );
    expect(notes).toHaveLength(1);
    link = /(http:\/\/api\.test\/exports\/\S+)/.exec(notes[0]!.message)![1]!;
    expect(link).toBe(request.download.url);
  });

  it('the link downloads the archive for the subject, byte for byte what was written', async () => {
    const response = await download(link, subject);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(request.result.archive.sha256);
    const entries = await readZip(bytes);
    expect(entries.has('manifest.json')).toBe(true);
    expect(entries.has('README.txt')).toBe(true);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    for (const file of manifest.categories.map((c: { file: string }) => c.file))
      expect(entries.has(file)).toBe(true);
    const email = api.portal.state.users.get(SUBJECT)!.EMAIL;
    expect([...entries.values()].some((b) => b.toString('utf8').includes(email))).toBe(true);
  });

  it('refuses the link to anyone else, to a caller without a token, and with a forged signature', async () => {
    expect((await download(link, await api.tokenFor(6))).status).toBe(403);
    expect((await download(link)).status).toBe(401);
    expect((await download(link.replace(/token=\w+/, 'token=forged'), subject)).status).toBe(404);
  });

  it('shows the download only to the subject', async () => {
    const q = `query ($id: ID!) { dataSubjectRequest(id: $id) { ... on DataSubjectRequest { download { url } } } }`;
    expect(
      (await api.gql(q, { id: request.id }, { token: subject })).data?.dataSubjectRequest.download.url,
    ).toBe(link);
    expect(
      (await api.gql(q, { id: request.id }, { token: await api.tokenFor(1) })).data?.dataSubjectRequest
        .download,
    ).toBeNull();
  });

  it('deletes the archive when the link expires, and the link then says so', async () => {
    const row = await api.services.orm.em.fork().findOneOrFail(DataSubjectRequest, request.id);
    const path = row.archivePath!;
    expect(existsSync(path)).toBe(true);
    // A week passes: the expiry job runs.
    expect(
      await api.services.exports.expire(api.services.orm.em.fork(), new Date(Date.now() + 8 * 86_400_000)),
    ).toBe(1);
    expect(existsSync(path)).toBe(false);
    expect((await download(link, subject)).status).toBe(410);
  });
});
