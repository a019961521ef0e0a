import { MigrationGenerator } from '@mikro-orm/migrations';

const LINE_WIDTH = 110; // biome.json `lineWidth`
const INDENT = '    ';

/**
 * MikroORM's TypeScript migration template, laid out the way `biome format` would, so a freshly generated
 * migration passes `pnpm lint` without a formatting pass.
 */
export class FormattedMigrationGenerator extends MigrationGenerator {
  override generateMigrationFile(className: string, diff: { up: string[]; down: string[] }): string {
    const lines = [
      `import { Migration } from '@mikro-orm/migrations';`,
      '',
      `export class ${className} extends Migration {`,
      `  override name = '${className}';`,
      '',
      '  override up(): void | Promise<void> {',
      ...this.body(diff.up),
      '  }',
    ];
    if (diff.down.length > 0)
      lines.push('', '  override down(): void | Promise<void> {', ...this.body(diff.down), '  }');
    lines.push('}', '');
    return lines.join('\n');
  }

  override createStatement(sql: string): string {
    if (!sql) return '';
    const literal = `\`${sql.replace(/[`$\\]/g, '\\$&')}\``;
    const oneLine = `${INDENT}this.addSql(${literal});`;
    return oneLine.length <= LINE_WIDTH || sql.includes('\n')
      ? oneLine
      : `${INDENT}this.addSql(\n${INDENT}  ${literal},\n${INDENT});`;
  }

  /** Statements with MikroORM's empty-string group separators as single blank lines, none at the edges. */
  private body(statements: string[]): string[] {
    const out: string[] = [];
    for (const sql of statements) {
      const line = this.createStatement(sql);
      if (line === '' && (out.length === 0 || out.at(-1) === '')) continue;
      out.push(line);
    }
    while (out.at(-1) === '') out.pop();
    return out;
  }
}
