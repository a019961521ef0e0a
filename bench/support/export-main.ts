/**
 * One export in a process of its own, so its peak RSS is the export's. Argument: JSON
 * `{ webhooks, domain, subjectUserId }`. Writes the archive to a counting sink (the bytes are not
 * the point here) and prints `ExportRun`.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Bitrix24Client } from '../../packages/api/src/bitrix24/index.ts';
import { writeExportArchive } from '../../packages/api/src/modules/dsr/export/index.ts';
import { AppSecret } from '../../packages/api/src/modules/settings/app-secret.ts';
import { createTestDatabase } from '../../packages/api/test/support/database.ts';
import { report } from './child.ts';
import { RssSampler } from './rss.ts';

export interface ExportRun {
  rows: number;
  ms: number;
  bytes: number;
  baselineMb: number;
  peakMb: number;
  clientRequests: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as {
  webhooks: Record<string, string>;
  domain: string;
  subjectUserId: number;
};
// Our own tables are empty for bench subjects, but the export reads them, so it gets a real database.
const db = await createTestDatabase();
const client = (id: number) =>
  new Bitrix24Client({ webhookUrl: args.webhooks[id]!, allowInsecureHttp: true });
const portal = client(1);
const asSubject = client(args.subjectUserId);
let bytes = 0;
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    bytes += chunk.length;
    done();
  },
});
global.gc?.();
const rss = new RssSampler(50);
const started = performance.now();
const manifest = await writeExportArchive(
  {
    portal,
    asSubject,
    em: db.orm.em.fork(),
    subjectUserId: args.subjectUserId,
    portalDomain: args.domain,
    // Our own records name other people by keyed pseudonyms: any key does for a measurement.
    secret: AppSecret.fromBytes(randomBytes(32)),
  },
  sink,
);
const ms = performance.now() - started;
const memory = rss.stop();
const run: ExportRun = {
  rows: manifest.categories.reduce((sum, c) => sum + c.rows, 0),
  ms,
  bytes,
  ...memory,
  clientRequests: portal.counters().http.total + asSubject.counters().http.total,
};
report(run);
await db.close();
process.exit(0);
