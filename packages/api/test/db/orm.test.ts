import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemSetting } from '../../src/db/system-setting.entity.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe(`ORM on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it('completes many concurrent transactional forks, each seeing its own writes', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.orm.em.fork().transactional(async (em) => {
          em.create(SystemSetting, { key: `concurrent-${i}`, value: i });
          await em.flush();
          const mine = await em.findOneOrFail(SystemSetting, { key: `concurrent-${i}` });
          expect(mine.value).toBe(i);
        }),
      ),
    );
    expect(await db.orm.em.fork().count(SystemSetting, { key: { $like: 'concurrent-%' } })).toBe(20);
  });

  it('rolls back a transaction that throws', async () => {
    const failing = db.orm.em.fork().transactional(async (em) => {
      em.create(SystemSetting, { key: 'rolled-back', value: true });
      await em.flush();
      throw new Error('changed my mind');
    });
    await expect(failing).rejects.toThrow('changed my mind');
    expect(await db.orm.em.fork().count(SystemSetting, { key: 'rolled-back' })).toBe(0);
  });

  it('stamps createdAt once and moves updatedAt on change', async () => {
    const em = db.orm.em.fork();
    const setting = em.create(SystemSetting, { key: 'stamped', value: 1 });
    await em.flush();
    const { createdAt, updatedAt } = setting;
    await new Promise((resolve) => setTimeout(resolve, 5));
    setting.value = 2;
    await em.flush();
    expect(setting.createdAt).toEqual(createdAt);
    expect(setting.updatedAt.getTime()).toBeGreaterThan(updatedAt.getTime());
  });
});
