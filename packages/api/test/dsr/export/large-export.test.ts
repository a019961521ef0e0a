import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExportArchive } from '../../../src/modules/dsr/export/index.ts';
import { type ExportFixture, startExportFixture } from './support/export-fixture.ts';
import { retainedHeap } from './support/heap.ts';
import { readCsv, unzip } from './support/unzip.ts';

const MESSAGES = 20_000;
/** ~1 KB each: 20 MB of text, so holding the category would show far above the bound below. */
const filler = 'lorem ipsum dolor sit amet '.repeat(38);

let fixture: ExportFixture;
let subject: number;
let dir: string;
let files: Map<string, Buffer>;
let baseline = 0;
let peak = 0;
let httpRequests = 0;
let batchedCommands = 0;

beforeAll(async () => {
  // The documented rate limit stays on: the request count is what keeps a large export inside it.
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  subject = fixture.portal.seed.user({ NAME: 'Volume', LAST_NAME: 'Tester' }).ID;
  const chat = fixture.portal.seed.privateChat(subject, 1);
  fixture.portal.seed.messages(chat.id, MESSAGES, {
    authorIds: [subject],
    // Flat strings: V8 would otherwise flatten each `${i} ${filler}` rope on first read, inside the
    // sandbox's state, and that one-time growth of the portal's model would count against the export.
    text: (i) => Buffer.from(`${i} ${filler}`).toString(),
  });
  dir = await mkdtemp(path.join(tmpdir(), 'b24-export-large-'));
  const target = path.join(dir, 'export.zip');
  const admin = fixture.admin;
  const asSubject = fixture.clientFor(subject);
  baseline = retainedHeap();
  peak = baseline;
  await writeExportArchive(
    {
      portal: admin,
      asSubject,
      em: fixture.db.orm.em.fork(),
      subjectUserId: subject,
      portalDomain: 'x.test',
      secret: fixture.secret,
    },
    createWriteStream(target),
    (p) => {
      const h = retainedHeap();
      if (process.env.DEBUG_HEAP) console.log(p.category, p.rows, ((h - baseline) / 2 ** 20).toFixed(1));
      peak = Math.max(peak, h);
    },
  );
  for (const client of [admin, asSubject]) {
    httpRequests += client.counters().http.total;
    batchedCommands += client.counters().batched.byMethod['im.dialog.messages.get'] ?? 0;
  }
  files = await unzip(await readFile(target));
}, 120_000);
afterAll(async () => {
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`export of ${MESSAGES.toLocaleString('en')} chat messages`, () => {
  it('has every message, once', () => {
    const rows = readCsv(files.get('chat-messages.csv')!).rows;
    expect(rows).toHaveLength(MESSAGES);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(MESSAGES);
    expect(rows.every((r) => r.text?.endsWith(filler))).toBe(true);
  });

  it('keeps memory flat: the heap retained during the export stays far below the data exported', () => {
    const grownMb = (peak - baseline) / 2 ** 20;
    // 20 MB of text passes through; one HTTP answer (2,500 messages, ~3 MB as JSON and objects) is held at a time.
    expect(grownMb).toBeLessThan(12);
  });

  it('reads 2,500 messages per HTTP request: near ⌈rows/2500⌉ plus a small constant', () => {
    const floor = Math.ceil(MESSAGES / 2500);
    // The constant: one or two reads per category, and one per task role for task-participation.csv (2)
    // and task-comments.csv (4).
    expect(httpRequests).toBeLessThanOrEqual(floor + 16);
    // 400 full pages and the empty one that ends the chat; nothing read twice.
    expect(batchedCommands).toBeLessThanOrEqual(MESSAGES / 50 + 50);
  });
});
