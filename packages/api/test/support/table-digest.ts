import type { EntityManager } from '@mikro-orm/core';

/**
 * Bookkeeping a request may write without storing anything: a token's last use (at most once a minute).
 * Everything else in the application's tables counts.
 */
const NOT_STORED = new Set(['api_token.last_used_at']);

/**
 * One query that digests every application table (row count and an md5 of its rows in a fixed order),
 * so a test can say "nothing was stored" by comparing two digests. Partitions are read through their
 * parent; pg-boss's own schema is left out (jobs are sent after commits, so a refusal queues none).
 */
export async function tableDigester(em: EntityManager): Promise<() => Promise<Record<string, string>>> {
  const columns = await em.getConnection().execute<{ table_name: string; column_name: string }[]>(
    `select c.table_name, c.column_name
       from information_schema.columns c
       join pg_class t on t.relname = c.table_name and t.relkind in ('r', 'p') and not t.relispartition
       join pg_namespace n on n.oid = t.relnamespace and n.nspname = c.table_schema
      where c.table_schema = 'public'
      order by c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of columns) {
    if (NOT_STORED.has(`${table}.${column}`)) continue;
    byTable.set(table, [...(byTable.get(table) ?? []), `"${column}"`]);
  }
  const sql = [...byTable]
    .map(
      ([table, cols]) =>
        `select '${table}' as name, count(*)::text || ':' || coalesce(md5(string_agg(r, ',' order by r)), '') as digest
           from (select row(${cols.join(', ')})::text as r from "${table}") rows`,
    )
    .join(' union all ');
  return async () => {
    const rows: { name: string; digest: string }[] = await em.fork().getConnection().execute(sql);
    return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
  };
}
