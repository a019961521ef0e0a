import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';

export interface ZipEntryContent {
  name: string;
  bytes: Buffer;
}

/** Every entry of a ZIP held in memory (test archives are small), read with yauzl as a user's unzip would. */
export function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      zip,
      { lazyEntries: true, strictFileNames: true, validateEntrySizes: true },
      (error, file) => {
        if (error || !file) return reject(error ?? new Error('no zip'));
        const entries = new Map<string, Buffer>();
        file.on('error', reject);
        file.on('end', () => resolve(entries));
        file.on('entry', (entry: yauzl.Entry) => {
          file.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('error', reject);
            stream.on('end', () => {
              entries.set(entry.fileName, Buffer.concat(chunks));
              file.readEntry();
            });
          });
        });
        file.readEntry();
      },
    );
  });
}

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface ParsedCsv {
  header: string[];
  rows: Record<string, string>[];
}

/** Checks the BOM, strips it and parses the CSV with a header row. */
export function readCsv(bytes: Buffer): ParsedCsv {
  if (!bytes.subarray(0, 3).equals(BOM)) throw new Error('CSV does not start with a UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  const records = parse(text, { relax_column_count: false }) as string[][];
  const [header, ...body] = records;
  if (!header) throw new Error('CSV has no header row');
  return {
    header,
    rows: body.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? '']))),
  };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
