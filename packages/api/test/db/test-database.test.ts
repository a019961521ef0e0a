import { describe, expect, it } from 'vitest';
import { SystemSetting } from '../../src/db/system-setting.entity.ts';
import { createTestDatabase } from '../support/database.ts';

describe('createTestDatabase', () => {
  it('gives every caller its own migrated database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(a.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
      const em = a.orm.em.fork();
      em.create(SystemSetting, { key: 'only-in-a', value: true });
      await em.flush();
      expect(await b.orm.em.fork().count(SystemSetting, { key: 'only-in-a' })).toBe(0);
      expect(await b.orm.migrator.getPending()).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
