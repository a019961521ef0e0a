import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { printSchema } from 'graphql';
import { createMigration } from '../../db/index.ts';
import { openStorage } from '../open-storage.ts';

export const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../schema.graphql');

export function registerDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations (start-up does this too)')
    .action(async () => {
      // openDatabase applies pending migrations before it returns.
      const { db } = await openStorage();
      await db.close();
      process.stdout.write('database is up to date\n');
    });

  program
    .command('migration:create [name]')
    .description('generate a migration from the difference between the entities and the database')
    .action(async (name?: string) => {
      const { db } = await openStorage();
      try {
        const file = await createMigration(db.orm, name);
        process.stdout.write(file ? `created ${file}\n` : 'no changes: no migration created\n');
      } finally {
        await db.close();
      }
    });

  program
    .command('schema:print')
    .description(`write the GraphQL schema to ${path.basename(SCHEMA_FILE)}`)
    .action(async () => {
      const { schema } = await import('../../schema/index.ts');
      await writeFile(SCHEMA_FILE, `${printSchema(schema)}\n`);
      process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
    });
}
