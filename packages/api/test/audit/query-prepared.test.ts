import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/modules/audit/audit.service.ts';
import type { AuditFilter } from '../../src/modules/audit/audit-query.ts';
import { SettingsService } from '../../src/modules/settings/settings.service.ts';
import { type AuditFixture, auditFixture, draft } from './support.ts';

/** The page read as a named prepared statement (PostgreSQL) answers exactly what the unnamed one does. */
describe(`audit pages read through prepared statements (on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let f: AuditFixture;
  let prepared: AuditService;
  beforeAll(async () => {
    f = await auditFixture();
    prepared = new AuditService(() => f.secret, new SettingsService(), {
      preparedReads: f.db.kind === 'postgres',
    });
    await f.audit.append(
      f.em(),
      Array.from({ length: 12 }, (_, i) => draft(i)),
    );
  });
  afterAll(() => f?.close());

  const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((e) => e.node.id);

  it('match the unnamed read for every page size, past the number of texts kept prepared', async () => {
    const filters: AuditFilter[] = [
      { actor: 10 },
      { occurredFrom: new Date(Date.UTC(2026, 10, 1, 12, 0, 3)) },
    ];
    // 2 filters × 40 page sizes: 80 distinct texts, more than the 64 kept as named statements.
    for (const filter of filters) {
      for (let first = 1; first <= 40; first++) {
        const expected = await f.audit.query(f.em(), filter, first);
        const page = await prepared.query(f.em(), filter, first);
        expect(ids(page)).toEqual(ids(expected));
        expect(page.pageInfo.hasNextPage).toBe(expected.pageInfo.hasNextPage);
        expect(page.edges.length).toBeGreaterThan(0);
      }
    }
  });

  it.runIf(process.env.DATABASE_URL)(
    'are planned once per connection on PostgreSQL, not on every read',
    async () => {
      // The time-range page is the one PostgreSQL would otherwise re-plan over every monthly partition.
      const [row] = await f.sql<{ plan_cache_mode: string }>('show plan_cache_mode');
      expect(row!.plan_cache_mode).toBe('force_generic_plan');
    },
  );

  it('page on from a cursor as the unnamed read does, the same statement serving every value', async () => {
    let cursor: string | null = null;
    const seen: string[] = [];
    for (let turn = 0; turn < 10; turn++) {
      const page = await prepared.query(f.em(), { actor: 10 }, 1, cursor);
      const expected = await f.audit.query(f.em(), { actor: 10 }, 1, cursor);
      expect(ids(page)).toEqual(ids(expected));
      seen.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    // draft(i) has actor 10 + i % 3: events 0, 3, 6 and 9, newest first.
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });
});
