import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import {
  EditHistoryService,
  type RecordVersionInput,
  textHash,
} from '../../src/modules/edits/edit-history.service.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ jobs: false });
});
afterAll(async () => {
  await api?.close();
});

const input = (
  entityId: string,
  text: string,
  extra: Partial<RecordVersionInput> = {},
): RecordVersionInput => ({
  entityType: 'POST',
  entityId,
  text,
  editedAt: new Date(),
  editor: 7,
  source: 'api',
  ...extra,
});

describe('recordVersion', () => {
  it('stores the same text twice as one version, and a changed text as the next', async () => {
    const { edits, orm } = api.services;
    const first = await edits.recordVersion(orm.em.fork(), input('101', 'hello world'));
    const again = await edits.recordVersion(
      orm.em.fork(),
      input('101', 'hello world', { source: 'extension' }),
    );
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ version: 1, textHash: textHash('hello world'), deleted: false });
    const second = await edits.recordVersion(orm.em.fork(), input('101', 'hello there'));
    expect(second.version).toBe(2);
    // The same text as an older (not the latest) version is a new version: it was changed back.
    const back = await edits.recordVersion(orm.em.fork(), input('101', 'hello world'));
    expect(back.version).toBe(3);
    expect(await orm.em.fork().count(ContentVersion, { entityType: 'POST', entityId: '101' })).toBe(3);
  });

  it('records a deletion once, as a version with empty text', async () => {
    const { edits, orm } = api.services;
    await edits.recordVersion(orm.em.fork(), input('102', 'bye'));
    const deleted = await edits.recordVersion(
      orm.em.fork(),
      input('102', 'ignored', { deleted: true, editor: null }),
    );
    const twice = await edits.recordVersion(orm.em.fork(), input('102', '', { deleted: true, editor: null }));
    expect(deleted).toMatchObject({ version: 2, deleted: true, text: '', editor: null });
    expect(twice.id).toBe(deleted.id);
  });

  it('gives concurrent writers gap-free version numbers and no duplicates', async () => {
    const { edits, orm } = api.services;
    const texts = Array.from({ length: 12 }, (_, i) => `text ${i}`);
    // Each distinct text twice, all at once, each on its own EntityManager (own connection).
    const results = await Promise.all(
      [...texts, ...texts].map((text) =>
        edits.recordVersion(orm.em.fork(), input('103', text, { entityType: 'MESSAGE' })),
      ),
    );
    const stored = await orm.em
      .fork()
      .find(ContentVersion, { entityType: 'MESSAGE', entityId: '103' }, { orderBy: { version: 'asc' } });
    expect(stored.map((v) => v.version)).toEqual(stored.map((_, i) => i + 1));
    // Consecutive duplicates collapse; at least every distinct text is there, and nothing else.
    expect(new Set(stored.map((v) => v.text))).toEqual(new Set(texts));
    expect(stored.length).toBeGreaterThanOrEqual(texts.length);
    expect(new Set(results.map((r) => r.id)).size).toBeLessThanOrEqual(stored.length);
    for (const [i, v] of stored.entries()) if (i > 0) expect(v.textHash).not.toBe(stored[i - 1]!.textHash);
  });

  it('refuses ids that are not portal ids and session keys that are not digests', async () => {
    const { edits, orm } = api.services;
    await expect(edits.recordVersion(orm.em.fork(), input('abc', 'x'))).rejects.toThrow(/portal id/);
    await expect(
      edits.recordVersion(orm.em.fork(), input('104', 'x', { sessionKey: 'raw-sessid' })),
    ).rejects.toThrow(/SHA-256/);
  });
});

describe('summaries', () => {
  it('asks the impersonation predicate once, with every session key, and flags matching items', async () => {
    const { orm } = api.services;
    const asked: string[][] = [];
    const impersonated = 'a'.repeat(64);
    const ordinary = 'b'.repeat(64);
    const edits = new EditHistoryService({
      isImpersonatedSession: async (keys) => {
        asked.push([...keys].sort());
        return new Set(keys.filter((k) => k === impersonated));
      },
    });
    await edits.recordVersion(orm.em.fork(), input('201', 'one', { sessionKey: ordinary }));
    await edits.recordVersion(orm.em.fork(), input('201', 'two', { sessionKey: impersonated }));
    await edits.recordVersion(orm.em.fork(), input('202', 'three', { sessionKey: ordinary }));
    const connection = orm.em.getConnection();
    const execute = vi.spyOn(connection, 'execute');
    const summaries = await edits.summaries(orm.em.fork(), [
      { entityType: 'POST', entityId: '201' },
      { entityType: 'POST', entityId: '202' },
      { entityType: 'POST', entityId: '201' },
    ]);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();
    expect(asked).toEqual([[impersonated, ordinary]]);
    expect(summaries.map((s) => [s.entityId, s.versionCount, s.editedWhileImpersonating])).toEqual([
      ['201', 2, true],
      ['202', 1, false],
      ['201', 2, true],
    ]);
  });
});

describe('audit events', () => {
  const auditRows = async () =>
    (await api.services.orm.em
      .fork()
      .getConnection()
      .execute(
        `select action, target_type, target_id, source from audit_event where target_id in ('301', '302') order by seq`,
      )) as { action: string; target_type: string; target_id: string; source: string }[];

  it('writes post.edited / message.deleted with each new edit, none for first sightings or repeats', async () => {
    const { edits, orm } = api.services;
    await edits.recordVersion(orm.em.fork(), input('301', 'v1'));
    await edits.recordVersion(orm.em.fork(), input('301', 'v2'));
    await edits.recordVersion(orm.em.fork(), input('301', 'v2'));
    await edits.recordVersion(
      orm.em.fork(),
      input('302', 'hi', { entityType: 'MESSAGE', source: 'portal-poll' }),
    );
    await edits.recordVersion(
      orm.em.fork(),
      input('302', '', { entityType: 'MESSAGE', deleted: true, editor: null, source: 'portal-poll' }),
    );
    expect(await auditRows()).toEqual([
      { action: 'post.edited', target_type: 'post', target_id: '301', source: 'api' },
      { action: 'message.deleted', target_type: 'message', target_id: '302', source: 'portal-poll' },
    ]);
  });

  it('rolls the version and its audit event back together', async () => {
    const { edits, orm } = api.services;
    await expect(
      orm.em.fork().transactional(async (tx) => {
        await edits.recordVersion(tx, input('301', 'v3'));
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect((await orm.em.fork().find(ContentVersion, { entityType: 'POST', entityId: '301' })).length).toBe(
      2,
    );
    expect(await auditRows()).toHaveLength(2);
  });
});
