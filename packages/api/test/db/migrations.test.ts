import { readdirSync } from 'node:fs';
import { Migration } from '@mikro-orm/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/db/migrations.ts';
import { MIGRATIONS_DIR } from '../../src/db/mikro-orm.config.ts';
import { SystemSetting } from '../../src/db/system-setting.entity.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const committed = readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^Migration.*\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe(`migrations (on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  it('apply every committed migration, leaving none pending', async () => {
    expect((await db.orm.migrator.getExecuted()).map((m) => m.name)).toEqual(committed);
    expect(await db.orm.migrator.getPending()).toEqual([]);
  });

  it('build exactly the schema the entities describe (no migration forgotten)', async () => {
    expect((await db.orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
  });

  it('serve entities through a fork; the global EntityManager refuses to query', async () => {
    const em = db.orm.em.fork();
    const setting = em.create(SystemSetting, { key: 'retention', value: { days: 30 } });
    await em.flush();
    const loaded = await db.orm.em.fork().findOneOrFail(SystemSetting, { key: 'retention' });
    expect(loaded).toMatchObject({ id: setting.id, value: { days: 30 } });
    expect(loaded.createdAt).toBeInstanceOf(Date);
    await expect(db.orm.em.find(SystemSetting, {})).rejects.toThrow(/global EntityManager/);
  });
});

class CreatesTable extends Migration {
  override up(): void {
    this.addSql('create table first_table (id int primary key)');
  }
}

class FailsHalfway extends Migration {
  override up(): void {
    this.addSql('create table second_table (id int primary key)');
    this.addSql('select no_such_function()');
  }
}

describe('a failing migration', () => {
  it('leaves nothing of its batch applied, neither its own statements nor earlier migrations', async () => {
    const db = await createTestDatabase({
      migrate: false,
      orm: {
        migrations: {
          migrationsList: [
            { name: 'Migration1_creates_table', class: CreatesTable },
            { name: 'Migration2_fails_halfway', class: FailsHalfway },
          ],
        },
      },
    });
    try {
      await expect(runMigrations(db.orm)).rejects.toThrow(/no_such_function/);
      const tables = await db.orm.em
        .fork()
        .getConnection()
        .execute<{ first: string | null; second: string | null }[]>(
          `select to_regclass('first_table')::text as first, to_regclass('second_table')::text as second`,
        );
      expect(tables).toEqual([{ first: null, second: null }]);
      expect(await db.orm.migrator.getExecuted()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
