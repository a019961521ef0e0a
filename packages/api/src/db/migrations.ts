import path from 'node:path';
import { MIGRATIONS_DIR } from './mikro-orm.config.ts';
import type { Orm } from './orm.ts';

/**
 * Applies every pending migration, all in one transaction: if one fails, none of the batch stays applied.
 * Resolves to the names applied. This is the only way the schema changes at run time.
 */
export async function runMigrations(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

export interface CreateMigrationOptions {
  /** An empty migration to fill in by hand (triggers, data fixes), instead of the entity diff. */
  blank?: boolean;
}

/**
 * Writes a timestamped migration into src/migrations from the difference between the entities and the
 * committed snapshot (or, before any snapshot exists, the database `orm` is connected to), and updates the
 * snapshot. Resolves to the new file's path, or null when nothing changed.
 */
export async function createMigration(
  orm: Orm,
  name?: string,
  options: CreateMigrationOptions = {},
): Promise<string | null> {
  const result = await orm.migrator.create(undefined, options.blank ?? false, false, name);
  return result.fileName ? path.join(MIGRATIONS_DIR, result.fileName) : null;
}
