import type { AnyCategory } from './category.ts';
import type { ExportManifest } from './types.ts';

/** Wraps at `width`; continuation lines are indented two more than the first. */
function wrap(text: string, width = 90, indent = ''): string {
  const lines: string[] = [];
  const rest = indent === '' ? '' : `${indent}  `;
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() !== '' && line.length + word.length + 1 > width) {
      lines.push(line.trimEnd());
      line = rest;
    }
    line += `${word} `;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.join('\r\n');
}

/**
 * README.txt: what each file is and what each column means, in plain words for the employee, plus
 * what could not be read. CRLF line ends, so Notepad shows it as written.
 */
export function renderReadme(
  categories: readonly AnyCategory[],
  manifest: Omit<ExportManifest, 'files'>,
): string {
  const out: string[] = [];
  const rowsOf = new Map(manifest.categories.map((c) => [c.name, c.rows]));
  out.push('YOUR PERSONAL DATA');
  out.push('==================');
  out.push('');
  out.push(
    wrap(
      `This archive holds the personal data that the Bitrix24 portal ${manifest.portal} and its GDPR ` +
        `tool keep about user number ${manifest.subject.userId}, as of ${manifest.generatedAt} (UTC). ` +
        'You asked for it under Articles 15 and 20 of the GDPR.',
    ),
  );
  out.push('');
  out.push(
    wrap(
      'Each .csv file opens in a spreadsheet program (Excel, LibreOffice, Numbers) or a text editor. They ' +
        'are UTF-8 text with one row per record; the first row names the columns. A cell that begins ' +
        "with an apostrophe (') began with =, +, -, @ or a control character: the apostrophe was added so " +
        'that spreadsheet programs show the text instead of running it as a formula. Text that holds line ' +
        'breaks, quotes, commas, semicolons, tabs or spaces at either end is enclosed in double quotes.',
    ),
  );
  out.push('');
  out.push(
    wrap(
      'Most files name people by their user number, as Bitrix24 shows them to you; an administrator who ' +
        'decided about your rights or roles is named that way too. The audit log, edit history and ' +
        'impersonation files do not name other people: "you" is you, and each other person appears as a ' +
        'code ("person:" and 12 letters and digits) that stays the same throughout this archive. Where ' +
        'you only took part in something (tasks of others, meetings others organised), the text other ' +
        'people wrote is left out.',
    ),
  );
  out.push('');
  out.push(
    wrap(
      'manifest.json lists the files with their number of rows and a SHA-256 checksum, so anyone can ' +
        'check that no file was changed after the export.',
    ),
  );
  if (manifest.notAccessible.length > 0) {
    out.push('');
    out.push('WHAT COULD NOT BE READ');
    out.push('----------------------');
    for (const entry of manifest.notAccessible) {
      const what = entry.item ? `${entry.category}.csv, ${entry.item}` : `${entry.category}.csv`;
      out.push(wrap(`* ${what}: ${entry.reason}`, 90, ' ').slice(1));
    }
  }
  for (const category of categories) {
    const file = `${category.name}.csv`;
    out.push('');
    out.push(`${file} - ${category.title} (${rowsOf.get(category.name) ?? 0} rows)`);
    out.push('-'.repeat(file.length + 3 + category.title.length));
    out.push(wrap(category.about));
    out.push(
      category.source === 'portal'
        ? wrap('Source: the Bitrix24 portal.')
        : wrap('Source: the GDPR tool itself.'),
    );
    out.push('Columns:');
    for (const column of category.columns) out.push(wrap(`${column.name}: ${column.about}`, 90, '  '));
  }
  out.push('');
  return out.join('\r\n');
}
