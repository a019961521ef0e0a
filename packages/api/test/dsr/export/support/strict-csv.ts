import { parse } from 'csv-parse/sync';
import { BOM, type ParsedCsv } from './unzip.ts';

/**
 * Parses a CSV as the strictest of its readers would: RFC 4180 quoting with no relaxation, the same
 * number of fields in every record, and a lone LF or a lone CR ending a record as CRLF does (Excel,
 * LibreOffice and Python's `csv` all break lines there), so a line break outside quotes splits the
 * record. White space around a field is trimmed, as some readers do, so leading or trailing space
 * survives only when it is quoted. Throws on anything else.
 */
export function strictCsv(bytes: Buffer): ParsedCsv {
  if (!bytes.subarray(0, 3).equals(BOM)) throw new Error('CSV does not start with a UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  if (!text.endsWith('\r\n')) throw new Error('CSV does not end with CRLF');
  const records = parse(text, {
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    trim: true,
  }) as string[][];
  const [header, ...body] = records;
  if (!header) throw new Error('CSV has no header row');
  return {
    header,
    rows: body.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? '']))),
  };
}
