import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipWriter } from '../../src/modules/dsr/export/zip-writer.ts';
import { formatIsoWeek, isoWeekOfDate } from '../../src/modules/reports/iso-week.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { readZip } from '../support/zip.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../../../docs/verify-weekly-file.sh');

/** The documented script, as an auditor runs it: bash, python3 and openssl, none of our code. */
function runScript(zip: string, key: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, zip, key], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('docs/verify-weekly-file.sh against a real weekly file', { timeout: 120_000 }, () => {
  let api: TestApi;
  let dir: string;
  let file: string;
  let key: string;
  let entries: Map<string, Buffer>;

  const rezip = async (changes: Record<string, Buffer>) => {
    const out = path.join(dir, `changed-${Object.keys(changes).join('-')}.zip`);
    const zip = new ZipWriter(createWriteStream(out), new Date());
    for (const [name, content] of entries) await zip.add(name, Readable.from([changes[name] ?? content]));
    await zip.finish();
    return out;
  };

  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    dir = await mkdtemp(path.join(tmpdir(), 'b24-script-'));
    // This week's file (a preview, never mailed) with an event in it, so there is something to tamper with.
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'message.edited', actorId: 4, source: 'api' },
    ]);
    const outcome = await api.services.reports.generate(api.services.orm.em.fork(), week);
    file = api.services.reports.pathOf(outcome.report);
    entries = await readZip(await readFile(file));
    key = path.join(dir, 'public-key.pem');
    await writeFile(key, await (await api.fetch('/audit/public-key')).text());
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is at most 30 lines and passes the untouched file', async () => {
    expect((await readFile(SCRIPT, 'utf8')).trimEnd().split('\n').length).toBeLessThanOrEqual(30);
    const run = await runScript(file, key);
    expect(run.out).toMatch(/^\d{4}-W\d{2}: 4 files match; signed by key [0-9a-f]{16}$/m);
    expect(run.out).toContain('Signature Verified Successfully');
    expect(run.code, run.out).toBe(0);
  });

  it('fails a changed file, and a digest edited to match it', async () => {
    const csv = Buffer.from(
      entries.get('events.csv')!.toString('utf8').replace('message.edited', 'message.read'),
    );
    const changed = await runScript(await rezip({ 'events.csv': csv }), key);
    expect(changed.code).not.toBe(0);
    expect(changed.out).toMatch(/^FAILED events\.csv: SHA-256 [0-9a-f]{64}, digest says [0-9a-f]{64}$/m);

    const digest = JSON.parse(entries.get('digest.json')!.toString('utf8'));
    digest.files['events.csv'] = {
      sha256: createHash('sha256').update(csv).digest('hex'),
      bytes: csv.length,
    };
    const edited = await runScript(
      await rezip({ 'events.csv': csv, 'digest.json': Buffer.from(JSON.stringify(digest)) }),
      key,
    );
    expect(edited.code).not.toBe(0);
    expect(edited.out).toContain('4 files match');
    expect(edited.out).toContain('Signature Verification Failure');
  });
});
