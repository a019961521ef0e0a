import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestApi } from '../../support/api.ts';
import { readZip } from '../../support/zip.ts';

/** One stored value: where it is, and what it is (a column's value, or a JSON value under its key). */
export interface StoredCell {
  table: string;
  column: string;
  /** The column's SQL type (`integer`, `text`, `jsonb`, …). */
  type: string;
  value: unknown;
  /** The whole row, for rules that depend on a sibling column (`target_type`, `category`). */
  row: Record<string, unknown>;
}

const run = promisify(execFile);

/** Every column of every row of every table in the test database (our schema and pg-boss's), as stored. */
export async function walkDatabase(api: TestApi): Promise<StoredCell[]> {
  const em = api.services.orm.em.fork();
  const columns = await em
    .getConnection()
    .execute<{ table_schema: string; table_name: string; column_name: string; data_type: string }[]>(
      `select c.table_schema, c.table_name, c.column_name, c.data_type
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
      order by c.table_schema, c.table_name, c.ordinal_position`,
    );
  const tables = new Map<string, { column: string; type: string }[]>();
  for (const c of columns) {
    const key = `"${c.table_schema}"."${c.table_name}"`;
    tables.set(key, [...(tables.get(key) ?? []), { column: c.column_name, type: c.data_type }]);
  }
  const cells: StoredCell[] = [];
  for (const [table, cols] of tables) {
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(`select * from ${table}`);
    for (const row of rows) {
      for (const { column, type } of cols) cells.push({ table, column, type, value: row[column], row });
    }
  }
  return cells;
}

/**
 * The database as an auditor would take it: `pg_dump` of the test database on PostgreSQL when the binary
 * is there, and a text rendering of the SQL walk of every table in any case (PGlite has no pg_dump).
 */
export async function dumpDatabase(api: TestApi): Promise<string> {
  const walked = (await walkDatabase(api))
    .map((cell) => `${cell.table}.${cell.column}=${render(cell.value)}`)
    .join('\n');
  if (!process.env.DATABASE_URL || !(await hasPgDump())) return walked;
  const { stdout } = await run('pg_dump', ['--data-only', '--inserts', api.databaseUrl], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return `${stdout}\n${walked}`;
}

async function hasPgDump(): Promise<boolean> {
  try {
    await run('pg_dump', ['--version']);
    return true;
  } catch {
    return false;
  }
}

function render(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every file under the data folder as text, ZIP archives opened (entry by entry), keyed by path. */
export async function readDataFolder(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    files.set(file, bytes.toString('utf8'));
    if (bytes.subarray(0, 2).toString() === 'PK') {
      for (const [name, content] of await readZip(bytes))
        files.set(`${file}!${name}`, content.toString('utf8'));
    }
  }
  return files;
}
