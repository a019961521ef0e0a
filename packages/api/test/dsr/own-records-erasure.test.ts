import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { ImpersonationSession } from '../../src/modules/impersonation/impersonation-session.entity.ts';
import { type ListeningApi, startListeningApi } from '../portal-events/listening-api.ts';
import type { TestApi } from '../support/api.ts';
import { findPlainUserId } from './support/plain-user-id.ts';
import { type Seeded, seedSubject } from './support/seed-subject.ts';
import { dumpDatabase, readDataFolder, type StoredCell, walkDatabase } from './support/storage-dump.ts';

/**
 * What an auditor checks after an erasure and after an anonymisation: a dump of the whole database and
 * every file under the data folder (archives opened) hold none of the subject's name, e-mail, phone or
 * (after erasure) text they wrote, and no column or JSON value holds their plain user id
 * (support/plain-user-id.ts says exactly where an id counts).
 */

let l: ListeningApi;
let api: TestApi;
let admin: string;

const FINAL = new Set(['COMPLETED', 'COMPLETED_WITH_EXCEPTIONS', 'FAILED', 'CANCELLED']);
const HISTORY = `query ($t: ContentEntityType!, $id: String!) {
  editHistory(entityType: $t, entityId: $id) { ... on EditHistory { versions { version { text editor } } } } }`;
const PREVIEW = `mutation ($u: Int!) { previewErasure(userId: $u) { __typename
  ... on ErasurePreview { token request { id } } ... on Error { message } } }`;
const ERASE = `mutation ($u: Int!, $t: String!) { eraseUser(userId: $u, previewToken: $t) { __typename
  ... on DataSubjectRequest { id } ... on Error { message } } }`;

beforeAll(async () => {
  l = await startListeningApi();
  api = l.api;
  admin = await api.tokenFor(1);
  // A poll round reads every employee's chat log, one request each: with the sandbox's rate limit off,
  // our client-side bucket (2/s after a burst of 50) would only slow the test down.
  api.services.portal.client.limiter.configure({ burst: 100_000, drainPerSecond: 100_000 });
  // The chat poller subscribes every employee on its first run; later runs read their chat logs.
  await api.services.chatPoller.poll();
  await api.gql(
    'mutation { updateSettings(input: { anonymisationEnabled: true, erasureEnabled: true }) { __typename } }',
    {},
    { token: admin },
  );
});
afterAll(() => l?.close());

async function runToEnd(id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 10; i++) {
    await api.services.runner.run(id);
    const request = (
      await api.gql(
        `query ($id: ID!) { dataSubjectRequest(id: $id) { ... on DataSubjectRequest { status error result } } }`,
        { id },
        { token: admin },
      )
    ).data?.dataSubjectRequest;
    if (FINAL.has(request.status)) return request;
  }
  throw new Error(`request ${id} did not finish`);
}

/** An export the subject asked for before: its archive holds their name, e-mail and phone. */
async function exportBefore(userId: number): Promise<string> {
  const token = await api.tokenFor(userId);
  const started = await api.gql(
    `mutation { requestDataExport(userId: ${userId}) { ... on DataSubjectRequest { id } ... on Error { message } } }`,
    {},
    { token },
  );
  const id = started.data?.requestDataExport.id;
  expect(id, JSON.stringify(started)).toBeTruthy();
  expect((await runToEnd(id)).status).toBe('COMPLETED');
  const archives = await readdir(api.services.exports.dir);
  expect(archives).toContain(`${id}.zip`);
  return id;
}

async function expectNoTrace(userId: number, needles: string[]) {
  const dump = await dumpDatabase(api);
  // The dump is of the right database and whole: it holds the rows that now name the subject by pseudonym.
  expect(dump).toContain(api.services.secret.pseudonymousId(userId));
  if (process.env.DATABASE_URL) expect(dump).toContain('INSERT INTO public.data_subject_request');
  const files = await readDataFolder(api.services.config.DATA_DIR);
  for (const needle of needles) {
    expect(dump.includes(needle), `the database dump holds ${JSON.stringify(needle)}`).toBe(false);
    for (const [file, content] of files)
      expect(content.includes(needle), `${file} holds ${JSON.stringify(needle)}`).toBe(false);
  }
}

describe('erasure erases our own copies', () => {
  let subject: Seeded;
  let exportId: string;
  let result: Record<string, any>;
  let erasureId: string;

  beforeAll(async () => {
    subject = await seedSubject(l, admin, 47, 'E');
    exportId = await exportBefore(subject.userId);
    // The archive holds the profile: the dump below would find the name in it.
    const before = await readDataFolder(api.services.config.DATA_DIR);
    expect([...before.values()].some((c) => c.includes(subject.identity[0]!))).toBe(true);
    const preview = (await api.gql(PREVIEW, { u: subject.userId }, { token: admin })).data?.previewErasure;
    expect(preview.__typename, JSON.stringify(preview)).toBe('ErasurePreview');
    const erase = (await api.gql(ERASE, { u: subject.userId, t: preview.token }, { token: admin })).data
      ?.eraseUser;
    erasureId = erase.id;
    const done = await runToEnd(erase.id);
    expect(done.status, done.error).toMatch(/^COMPLETED/);
    result = done.result;
    // The portal's delete events arrive after the erasure, and the chat log still holds what the subject
    // wrote before it: what they store must not bring anything back.
    await l.processed();
    await api.services.chatPoller.poll();
  });

  it("leaves none of the subject's name, e-mail, phone or texts (nor their hashes) in the database or the data folder", async () => {
    const hashes = subject.texts.map((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
    await expectNoTrace(subject.userId, [...subject.identity, ...subject.texts, subject.unpolled, ...hashes]);
  });

  it('the audit chain still verifies', async () => {
    const verification = await api.services.audit.verify(api.services.orm.em.fork());
    expect(verification.problem).toBeNull();
    expect(verification.ok).toBe(true);
  });

  it('editHistory no longer returns what the subject wrote', async () => {
    for (const ref of subject.refs) {
      const history = await api.gql(HISTORY, { t: ref.t, id: ref.id }, { token: admin });
      const texts = history.data?.editHistory.versions.map((v: any) => v.version.text) ?? [];
      for (const text of subject.texts) expect(texts).not.toContain(text);
    }
  });

  it('deletes the export archive and its link, and says so in the result', async () => {
    expect(await readdir(api.services.exports.dir)).not.toContain(`${exportId}.zip`);
    const download = await api.gql(
      `query { dataSubjectRequest(id: "${exportId}") { ... on DataSubjectRequest { download { url } } } }`,
      {},
      { token: admin },
    );
    expect(download.data?.dataSubjectRequest.download).toBeNull();
    expect(result.ownRecords.deleted.export_archive).toBe(1);
    expect(result.ownRecords.deleted.content_version).toBeGreaterThanOrEqual(subject.texts.length);
    const kept = result.ownRecords.kept.map((k: any) => k.records);
    expect(kept).toEqual(expect.arrayContaining(['audit log events', 'weekly report files']));
    for (const k of result.ownRecords.kept) expect(k.reason.length).toBeGreaterThan(20);
  });

  it("no column or JSON value holds the subject's plain user id", async () => {
    expect(findPlainUserId(await walkDatabase(api), subject.userId)).toEqual([]);
  });

  it('keeps the impersonation session, naming the subject by the pseudonym the audit log uses', async () => {
    const sessions = await api.services.orm.em.fork().find(ImpersonationSession, {
      impersonatedPseudonym: api.services.secret.pseudonymousId(subject.userId),
    });
    expect(sessions.map((s) => [s.adminUserId, s.impersonatedUserId, s.reason])).toEqual([
      [1, 0, '[erased]'],
    ]);
  });

  it('rewrites our impersonation alert on the portal: it names the pseudonym, no longer the subject', async () => {
    expect(result.portalAlerts).toEqual({ reworded: 1, failed: [] });
    expect(result.verification.leftOver).toEqual([]);
    const texts = [...api.portal.state.messages.values()].map((m) => m.text);
    const alert = texts.find((t) => t.startsWith('Security: ') && t.includes(' logged in as '));
    expect(alert).toContain(api.services.secret.pseudonymFor(subject.userId));
    for (const needle of subject.identity)
      expect(
        texts.filter((t) => t.includes(needle)),
        `a portal message holds ${needle}`,
      ).toEqual([]);
  });

  it('a run resumed after the last step (a crash before the runner stored the result) ends as the first did', async () => {
    // The checkpoint no longer knows the subject's id, so the resumed run must not need it.
    await api.services.orm.em
      .fork()
      .nativeUpdate(
        DataSubjectRequest,
        { id: erasureId },
        { status: 'RUNNING', leaseOwner: null, leaseUntil: null, result: null, finishedAt: null },
      );
    const resumed = await runToEnd(erasureId);
    expect(resumed.status).toBe('COMPLETED');
    expect(resumed.result).toEqual(result);
    expect(findPlainUserId(await walkDatabase(api), subject.userId)).toEqual([]);
  });
});

describe('anonymisation pseudonymises our own copies', () => {
  let subject: Seeded;

  beforeAll(async () => {
    subject = await seedSubject(l, admin, 48, 'A');
    await exportBefore(subject.userId);
    const started = await api.gql(
      `mutation { requestAnonymisation(userId: ${subject.userId}) { ... on DataSubjectRequest { id } ... on Error { message } } }`,
      {},
      { token: admin },
    );
    const done = await runToEnd(started.data?.requestAnonymisation.id);
    expect(done.status, done.error).toBe('COMPLETED');
    await l.processed();
    await api.services.chatPoller.poll();
  });

  it("leaves none of the subject's name, e-mail or phone in the database or the data folder", async () => {
    await expectNoTrace(subject.userId, subject.identity);
  });

  it('rewrites our impersonation alert on the portal with the pseudonym', () => {
    const alerts = [...api.portal.state.messages.values()]
      .map((m) => m.text)
      .filter(
        (t) => t.startsWith('Security: ') && t.includes(api.services.secret.pseudonymFor(subject.userId)),
      );
    expect(alerts).toHaveLength(1);
    const name = subject.identity.slice(0, 2).join(' ');
    const texts = [...api.portal.state.messages.values()].map((m) => m.text);
    expect(texts.filter((t) => t.startsWith('Security: ') && t.includes(name))).toEqual([]);
  });

  it('keeps the texts, as the portal does, without naming the subject as their editor', async () => {
    const texts = [...subject.versionedTexts, subject.unpolled];
    const versions = await api.services.orm.em.fork().find(ContentVersion, { text: { $in: texts } });
    expect(versions.length).toBeGreaterThanOrEqual(texts.length);
    expect(versions.filter((v) => v.editor === subject.userId)).toEqual([]);
  });

  it("no column or JSON value holds the subject's plain user id", async () => {
    expect(findPlainUserId(await walkDatabase(api), subject.userId)).toEqual([]);
  });

  it('the rule finds an id where one is stored (it can fail)', () => {
    const row = { actor: '48', metadata: { a: { subjectUserId: 48 } }, label: 'User account #48' };
    const cells: StoredCell[] = Object.entries(row).map(([column, value]) => ({
      table: '"public"."probe"',
      column,
      type: column === 'metadata' ? 'jsonb' : 'text',
      value,
      row,
    }));
    const login = createHash('sha256').update('id:48').digest('hex');
    cells.push({
      table: '"public"."probe"',
      column: 'checkpoint',
      type: 'jsonb',
      value: { h: [login] },
      row,
    });
    expect(findPlainUserId(cells, 48).map((f) => f.where)).toEqual([
      '"public"."probe".actor',
      '"public"."probe".metadata.a.subjectUserId',
      '"public"."probe".label',
      '"public"."probe".checkpoint.h[0]',
    ]);
    expect(findPlainUserId(cells, 4)).toEqual([]);
  });
});
