import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/modules/audit/canonical-json.ts';
import { ZipWriter } from '../../src/modules/dsr/export/zip-writer.ts';
import { formatIsoWeek, isoWeekOfDate, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { dumpDatabase } from '../dsr/support/storage-dump.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { readZip } from '../support/zip.ts';

/**
 * The attacker of issue 14: a copy of the database (pg_dump on PostgreSQL, every row otherwise) after the
 * API started and signed a weekly file. The keys are not in it, and a file they re-make does not verify.
 */
describe('a database dump is not enough to sign', { timeout: 180_000 }, () => {
  let api: TestApi;
  let dump: string;
  let original: string;
  let publicKeyFile: string;

  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    await api.services.audit.append(api.services.orm.em.fork(), [
      { action: 'message.edited', actorId: 4, source: 'api' },
    ]);
    const week = formatIsoWeek(weekBefore(isoWeekOfDate(new Date())));
    original = api.services.reports.pathOf(
      (await api.services.reports.generate(api.services.orm.em.fork(), week)).report,
    );
    dump = await dumpDatabase(api);
    publicKeyFile = path.join(api.services.config.DATA_DIR, 'published.pem');
    await writeFile(publicKeyFile, await (await api.fetch('/audit/public-key')).text());
  });
  afterAll(() => api?.close());

  it('holds neither the app secret nor the signing key, in any encoding', async () => {
    const keysDir = path.join(api.services.config.DATA_DIR, 'keys');
    const secret = Buffer.from(await readFile(path.join(keysDir, 'app-secret'), 'utf8'), 'base64');
    const pem = await readFile(path.join(keysDir, 'signing-key.pem'), 'utf8');
    const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
    const seed = der.subarray(der.length - 32); // Ed25519 PKCS#8 ends with the 32-byte private key
    expect(dump).toContain('report.weekly.generated'); // the dump is of the right database
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const needles = [secret, der, seed].flatMap((bytes) => [
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64url'),
    ]);
    for (const needle of [...needles, ...body])
      expect(dump.toLowerCase().includes(needle.toLowerCase()), `the dump holds ${needle}`).toBe(false);
    expect(dump).not.toContain('PRIVATE KEY');
  });

  it('a weekly file re-made and signed with a key of the attacker’s fails against the published key', async () => {
    const entries = await readZip(await readFile(original));
    const { signature, ...unsigned } = JSON.parse(entries.get('digest.json')!.toString('utf8'));
    unsigned.eventCount = 0; // the week without its event
    const forged = generateKeyPairSync('ed25519');
    for (const carried of [
      unsigned.publicKey,
      forged.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ]) {
      const body = { ...unsigned, publicKey: carried };
      const value = sign(null, Buffer.from(canonicalJson(body)), forged.privateKey).toString('base64');
      const digest = canonicalJson({ ...body, signature: { ...signature, value } });
      const out = path.join(
        api.services.config.DATA_DIR,
        `forged-${Math.random().toString(36).slice(2)}.zip`,
      );
      const zip = new ZipWriter(createWriteStream(out), new Date());
      for (const [name, content] of entries)
        await zip.add(name, Readable.from([name === 'digest.json' ? Buffer.from(digest) : content]));
      await zip.finish();
      const run = await runCli(['audit', 'verify-digest', out, '--public-key', publicKeyFile], {
        DATA_DIR: api.services.config.DATA_DIR,
      });
      expect(run.code, run.stdout).toBe(2);
      expect(run.stdout).toContain('FAILED signature: does not verify against the given public keys');
    }
  });
});
