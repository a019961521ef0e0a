import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Transform, type TransformCallback } from 'node:stream';
import { type Stringifier, stringify } from 'csv-stringify';
import type { Cell, Column } from './category.ts';
import { renderCell } from './cells.ts';

/** Counts and hashes the bytes that pass, so the manifest describes the file exactly as written. */
export class HashingPassThrough extends Transform {
  readonly #hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Fields quoted beyond RFC 4180's minimum (quote, comma, line breaks): leading or trailing white space,
 * which some readers trim; semicolons and tabs, which spreadsheet programs in many locales take as the
 * delimiter when they guess; and the Unicode line separators (NEL, U+2028, U+2029) some editors break on.
 */
const QUOTED_MATCH = [/^\s/, /\s$/, /[;\t\u0085\u2028\u2029]/];

/**
 * One CSV file being written: UTF-8 with a BOM (so spreadsheet programs pick the right encoding),
 * a header row, CRLF line ends (RFC 4180). Rows go in with backpressure: `write` waits while the ZIP
 * behind it is busy, which is what keeps memory flat.
 */
export class CsvFile<R> {
  readonly output: HashingPassThrough;
  readonly #stringifier: Stringifier;
  readonly #columns: readonly Column<R>[];
  rows = 0;

  constructor(columns: readonly Column<R>[]) {
    this.#columns = columns;
    this.#stringifier = stringify({
      bom: true,
      header: true,
      columns: columns.map((column) => column.name),
      record_delimiter: 'windows',
      // With a record delimiter given, csv-stringify quotes only fields that contain it (CRLF): a lone
      // LF or CR would end the record early for Excel, LibreOffice and Python's csv. Quote both.
      quote_record_delimiter: true,
      quoted_match: QUOTED_MATCH,
      // Fewer pauses than the object-mode default of 16 rows, still a bounded buffer.
      writableHighWaterMark: 256,
    });
    this.output = new HashingPassThrough();
    this.#stringifier.on('error', (error) => this.output.destroy(error));
    this.#stringifier.pipe(this.output);
  }

  async write(row: R): Promise<void> {
    const record = this.#columns.map((column) => renderCell(column.value(row) as Cell));
    this.rows += 1;
    if (!this.#stringifier.write(record)) await once(this.#stringifier, 'drain');
  }

  /** Ends the file; resolves once every byte has passed the hash. */
  async end(): Promise<{ rows: number; bytes: number; sha256: string }> {
    const ended = once(this.output, 'end');
    this.#stringifier.end();
    await ended;
    return { rows: this.rows, bytes: this.output.bytes, sha256: this.output.digest() };
  }

  destroy(error: Error): void {
    this.#stringifier.destroy(error);
    this.output.destroy(error);
  }
}
