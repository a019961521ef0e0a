import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const V1 = 'audit_append(json, text, boolean, timestamptz)';
const V2 = 'audit_append(json, text[], text, boolean, timestamptz)';
const V3 =
  'audit_append(text[], text, boolean, timestamptz, uuid[], timestamptz[], text[], text[], text[], text[], ' +
  'text[], text[], text[], text[], jsonb[], text[])';

describe('the audit_append migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  const present = async () => {
    const [row] = await db.orm.em
      .fork()
      .getConnection()
      .execute<{ v1: string | null; v2: string | null; v3: string | null }[]>(
        `select to_regprocedure('${V1}')::text as v1, to_regprocedure('${V2}')::text as v2,
                to_regprocedure('${V3}')::text as v3`,
      );
    return { v1: row?.v1 != null, v2: row?.v2 != null, v3: row?.v3 != null };
  };

  it('leave exactly one version of the function, and roll back and forward cleanly', async () => {
    expect(await present()).toEqual({ v1: false, v2: false, v3: true });
    await db.orm.migrator.down({ to: 'Migration20261123200000_audit_append_keys' });
    expect(await present()).toEqual({ v1: false, v2: true, v3: false });
    await db.orm.migrator.down({ to: 'Migration20261123151000_audit_append_function' });
    expect(await present()).toEqual({ v1: true, v2: false, v3: false });
    await db.orm.migrator.up();
    expect(await present()).toEqual({ v1: false, v2: false, v3: true });
  });
});
