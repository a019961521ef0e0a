import { createPrivateKey } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipWriter } from '../../src/modules/dsr/export/zip-writer.ts';
import type { PublishedKey } from '../../src/modules/keys/public-keys.ts';
import { signDigest, verifyDigestFile, type WeeklyDigest } from '../../src/modules/reports/digest.ts';
import { formatIsoWeek, isoWeekOfDate, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { readZip } from '../support/zip.ts';

describe('signing key rotation', { timeout: 180_000 }, () => {
  let api: TestApi;
  let env: Record<string, string>;
  const thisWeek = isoWeekOfDate(new Date());
  const before = formatIsoWeek(weekBefore(weekBefore(thisWeek)));
  const after = formatIsoWeek(weekBefore(thisWeek));
  const files: Record<string, string> = {};
  let oldPem: string;
  let listFile: string;

  beforeAll(async () => {
    api = await startTestApi({ jobs: false });
    env = { DATABASE_URL: api.databaseUrl, DATA_DIR: api.services.config.DATA_DIR };
    const keysDir = path.join(api.services.config.DATA_DIR, 'keys');
    oldPem = await readFile(path.join(keysDir, 'signing-key.pem'), 'utf8');
    files[before] = api.services.reports.pathOf((await api.services.reports.generate(em(), before)).report);

    const rotated = await runCli(['keys', 'rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const ids = JSON.parse(rotated.stdout) as { retired: string; current: string };
    expect(ids.retired).not.toBe(ids.current);
    // The running API signs with the new key from its next signature on.
    files[after] = api.services.reports.pathOf((await api.services.reports.generate(em(), after)).report);
    listFile = path.join(api.services.config.DATA_DIR, 'public-keys.json');
    await writeFile(listFile, await (await api.fetch('/audit/public-keys')).text());
  });
  afterAll(() => api?.close());
  const em = () => api.services.orm.em.fork();

  it('publishes both keys with their periods; /audit/public-key is the new one; the old private key is gone', async () => {
    const { keys } = (await (await api.fetch('/audit/public-keys')).json()) as { keys: PublishedKey[] };
    expect(keys).toHaveLength(2);
    const [old, current] = keys as [PublishedKey, PublishedKey];
    expect(old.validUntil).not.toBeNull();
    expect(current).toMatchObject({ validFrom: old.validUntil, validUntil: null });
    const served = await api.fetch('/audit/public-key');
    expect(served.headers.get('x-key-id')).toBe(current.keyId);
    expect(await served.text()).toBe(current.publicKeyPem);
    const keyFile = path.join(api.services.config.DATA_DIR, 'keys', 'signing-key.pem');
    expect(await readFile(keyFile, 'utf8')).not.toBe(oldPem);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const listed = await runCli(['keys', 'list'], env);
    expect(listed.stdout.trim().split('\n')).toEqual([
      `${old.keyId}\t${old.validFrom}\t${old.validUntil}`,
      `${current.keyId}\t${current.validFrom}\tcurrent`,
    ]);
  });

  it('verifies the files signed before and after the rotation, each with the key of its time', async () => {
    const { keys } = JSON.parse(await readFile(listFile, 'utf8')) as { keys: PublishedKey[] };
    for (const [week, key] of [
      [before, keys[0]!],
      [after, keys[1]!],
    ] as const) {
      const digest = JSON.parse(
        (await readZip(await readFile(files[week]!))).get('digest.json')!.toString('utf8'),
      ) as WeeklyDigest;
      expect(digest.signature.keyId).toBe(key.keyId);
      const run = await runCli(['audit', 'verify-digest', files[week]!, '--public-key', listFile], env);
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toContain(`OK: ${week}, `);
      expect(run.stdout).toContain(`(key ${key.keyId}, given key)`);
    }
    // With the current key alone, the old file does not verify: its signature names the retired key.
    const onlyNew = verifyDigestFile(await readFile(files[before]!), keys[1]!.publicKeyPem);
    expect(onlyNew.problems).toEqual([`signature: no given public key has the key id ${keys[0]!.keyId}`]);
  });

  it('a file signed with the retired key after its period ended is refused', async () => {
    const { keys } = JSON.parse(await readFile(listFile, 'utf8')) as { keys: PublishedKey[] };
    const entries = await readZip(await readFile(files[before]!));
    const { signature: _s, ...unsigned } = JSON.parse(
      entries.get('digest.json')!.toString('utf8'),
    ) as WeeklyDigest;
    // Whoever kept a copy of the old key re-signs the week, made "now".
    const privateKey = createPrivateKey(oldPem);
    const late = signDigest(
      { ...unsigned, generatedAt: new Date().toISOString() },
      { keyId: keys[0]!.keyId, publicKeyPem: keys[0]!.publicKeyPem, privateKey },
    );
    const out = path.join(api.services.config.DATA_DIR, 'late.zip');
    const zip = new ZipWriter(createWriteStream(out), new Date());
    for (const [name, content] of entries)
      await zip.add(name, Readable.from([name === 'digest.json' ? Buffer.from(late) : content]));
    await zip.finish();
    const check = verifyDigestFile(await readFile(out), { publicKeys: keys });
    expect(check.ok).toBe(false);
    expect(check.problems[0]).toMatch(
      new RegExp(`^signature: key ${keys[0]!.keyId} was valid from .* until ${keys[0]!.validUntil}, not at `),
    );
  });
});
