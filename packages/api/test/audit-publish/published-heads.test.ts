import { generateKeyPairSync, sign, verify as verifySignature } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/modules/audit/audit-sql.ts';
import { headBytes } from '../../src/modules/audit/audit-tree-head.ts';
import { keyIdOf } from '../../src/modules/keys/public-keys.ts';
import { formatIsoWeek, isoWeekOfDate, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { readZipEntries } from '../../src/modules/reports/zip-reader.ts';
import { advertise, recordWitnesses } from '../../src/runtime-files.ts';
import { drafts, forgedPurge, rewindLog } from '../audit/support.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { downWitnessUrl, startWitness, type TestWitness } from '../support/witness.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const VERIFY = `query { verifyAuditLog { __typename ... on AuditVerification { ok heads treeSize
  published { channel heads } unreachable selfCheckedOnly problem { kind seq eventId message publishedIn head { treeSize } } } } }`;

/**
 * The log's heads go where its database's operator cannot reach: a chat in the portal (kept by the portal,
 * edits and deletions marked) and a witness that countersigns. An insider with the API's own database
 * connection deletes the stored heads and publication records and rewrites the log; the auditor's
 * verifyAuditLog reads the heads back from the portal and the witness and names the attack and where
 * the exposing head was published.
 */
describe(`heads published outside the database (on ${backend})`, () => {
  let api: TestApi;
  let witness: TestWitness;
  let downUrl: string;
  let admin: string;
  beforeEach(async () => {
    witness = await startWitness();
    downUrl = await downWitnessUrl();
    api = await startTestApi({
      jobs: false,
      env: {
        AUDIT_HEAD_INTERVAL_SECONDS: '0',
        AUDIT_WITNESS_URLS: `${witness.url},${downUrl}`,
        AUDIT_WITNESS_KEYS: `${witness.publicKey},${witness.publicKey}`,
      },
    });
    admin = await api.tokenFor(1);
  });
  afterEach(async () => {
    await api?.close();
    await witness?.close();
  });

  const em = () => api.services.orm.em.fork();
  /** Raw SQL through the API's own connection: what an insider with the database runs. */
  const insider = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    sql<T>(em(), query, params);
  const append = (n: number, from: number) => api.services.audit.append(em(), drafts(n, from));
  const publish = () => api.services.publishing.publish(em());
  const verify = async () => (await api.gql(VERIFY, {}, { token: admin })).data!.verifyAuditLog;
  /** The CLI's environment as the README runs it: DATA_DIR, and no portal or witness of its own. */
  const onlyDataDir = () => ({
    DATA_DIR: api.services.config.DATA_DIR,
    BITRIX24_WEBHOOK_URL: '',
    SANDBOX_URL: '',
    AUDIT_WITNESS_URLS: '',
    AUDIT_WITNESS_KEYS: '',
  });
  const headChat = () =>
    [...api.portal.state.chats.values()].find((c) => c.entity?.type === 'B24_GDPR_AUDIT')!;
  const chatMessages = () => headChat().messageIds.map((id) => api.portal.state.messages.get(id)!);
  /** Publishes heads of 5 and 10 events, then removes every trace of them from the database. */
  const publishFiveAndTen = async () => {
    await append(5, 0);
    await publish();
    await append(5, 5);
    await publish();
    await insider('delete from audit_head_publication');
    await insider('delete from audit_tree_head');
  };

  it('publishes each new head to a chat it made once and to the witness; a down witness is retried', async () => {
    await append(3, 0);
    const first = await publish();
    expect(first).toEqual([
      { channel: 'portal-chat', target: 'portal', treeSize: 3, status: 'published' },
      { channel: 'witness', target: witness.url, treeSize: 3, status: 'published' },
      expect.objectContaining({ channel: 'witness', target: downUrl, treeSize: 3, status: 'failed' }),
    ]);
    expect(await publish()).toMatchObject([
      { status: 'already' },
      { status: 'already' },
      { status: 'failed' },
    ]);
    const [down] = await insider<{ attempts: number; last_error: string }>(
      'select attempts, last_error from audit_head_publication where target = ?',
      [downUrl],
    );
    expect(down).toMatchObject({ attempts: 2, last_error: expect.stringMatching(/fetch failed/) });

    await append(2, 3);
    await publish();
    // The portal's side: one chat, owned by the API's webhook user, one message per head, unedited.
    const chats = [...api.portal.state.chats.values()].filter((c) => c.entity?.type === 'B24_GDPR_AUDIT');
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({ ownerId: api.services.portal.adminUserId, type: 'chat' });
    expect(chatMessages()).toMatchObject([
      { authorId: api.services.portal.adminUserId, edited: false, deleted: false },
      { edited: false, deleted: false },
    ]);
    expect(chatMessages()[1]!.text).toMatch(
      /^b24-gdpr audit tree head: 5 events at .*\n\{"logId":1,"treeSize":5,/,
    );
    expect(witness.received.map((h) => h.treeSize)).toEqual([3, 5]);

    const result = await verify();
    expect(result).toMatchObject({ ok: true, treeSize: '5', problem: null });
    expect(result.published).toEqual(
      expect.arrayContaining([
        { channel: 'portal-chat', heads: 2 },
        { channel: 'witness', heads: 3 }, // two stored receipts and the witness's latest
      ]),
    );
    expect(result.unreachable).toEqual([expect.stringContaining(downUrl)]);
  });

  it('names a truncated, rewound log by the heads in the portal chat and at the witness', async () => {
    await publishFiveAndTen();
    await rewindLog(insider, 7);
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: 'TRUNCATED', seq: '8', head: { treeSize: '10' } },
    });
    expect(result.problem.message).toMatch(/events #8 to #10 were removed/);
    expect(result.problem.publishedIn).toEqual([
      `portal chat ${headChat().id}, message ${headChat().messageIds[1]}`,
      `witness ${witness.url} (latest)`,
    ]);
  });

  it('makes no weekly file of a forked log: the mailed file is a publication too', async () => {
    await publishFiveAndTen();
    await rewindLog(insider, 7);
    await append(5, 100);
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    await expect(api.services.reports.generate(em(), week)).rejects.toThrow(
      /No tree head was signed or published: the log contradicts a head already published/,
    );
    const [{ n }] = (await insider<{ n: number }>('select count(*)::int as n from weekly_report')) as [
      { n: number },
    ];
    expect(n).toBe(0);
    expect(await readdir(api.services.reports.dir).catch(() => [])).toEqual([]);
  });

  it('carries the signed head in every weekly file, and names a rewound log by the head the file holds', async () => {
    await append(6, 0);
    const week = formatIsoWeek(isoWeekOfDate(new Date()));
    const { report } = await api.services.reports.generate(em(), week);
    const zip = await readFile(api.services.reports.pathOf(report));
    const digest = JSON.parse(readZipEntries(zip).get('digest.json')!.toString('utf8'));
    expect(digest.treeHead).toMatchObject({ treeSize: 6, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The head's own signature, checked with the published key it names: not our verifier's code path.
    const key = (await api.services.signing.published()).find((k) => k.keyId === digest.treeHead.keyId)!;
    expect(
      verifySignature(
        null,
        headBytes(digest.treeHead),
        key.publicKeyPem,
        Buffer.from(digest.treeHead.signature, 'base64'),
      ),
    ).toBe(true);

    // Nothing went to the chat or the witness: the weekly file is the only copy outside the database.
    await append(2, 6);
    await insider('delete from audit_head_publication');
    await insider('delete from audit_tree_head');
    await rewindLog(insider, 4);
    const result = await verify();
    expect(result).toMatchObject({ ok: false, problem: { kind: 'TRUNCATED', head: { treeSize: '6' } } });
    expect(result.problem.publishedIn).toEqual([`weekly file ${week} (${report.fileName})`]);
    expect(result.published).toEqual(expect.arrayContaining([{ channel: 'weekly-file', heads: 1 }]));
  });

  it('audit verify (CLI) reads the same heads from the portal and the witness', {
    timeout: 120_000,
  }, async () => {
    await publishFiveAndTen();
    await rewindLog(insider, 7);
    const run = await runCli(['audit', 'verify'], {
      DATABASE_URL: api.databaseUrl,
      DATA_DIR: api.services.config.DATA_DIR,
      BITRIX24_WEBHOOK_URL: api.portal.webhookUrl(api.services.portal.adminUserId),
      AUDIT_WITNESS_URLS: witness.url,
      AUDIT_WITNESS_KEYS: witness.publicKey,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('TRUNCATED: #8');
    expect(run.stdout).toContain(
      `published in: portal chat ${headChat().id}, message ${headChat().messageIds[1]}; witness ${witness.url} (latest)`,
    );
    expect(run.stdout).toContain('published heads read back: portal-chat 2, witness 1');
  });

  it('audit verify (CLI) run with DATA_DIR alone reads the heads from the API’s sandbox and recorded witnesses', {
    timeout: 120_000,
  }, async () => {
    await publishFiveAndTen();
    // What `pnpm start` leaves in its data folder: the sandbox it runs, the witnesses it publishes to.
    const config = api.services.config;
    const unadvertise = await advertise(config, null, api.portal.url);
    await recordWitnesses(config);
    try {
      // The second recorded witness is down: consistent with every head it read, but not a plain OK.
      const ok = await runCli(['audit', 'verify'], { DATABASE_URL: api.databaseUrl, ...onlyDataDir() });
      expect(ok.code, ok.stderr).toBe(3);
      expect(ok.stdout).toContain(
        'CONSISTENT WITH THE HEADS IT COULD READ (portal-chat 2, witness 1), BUT NOT ALL',
      );
      expect(ok.stderr).toContain(`unreachable: witness ${downUrl}`);
      await rewindLog(insider, 7);
      const run = await runCli(['audit', 'verify'], { DATABASE_URL: api.databaseUrl, ...onlyDataDir() });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toContain('TRUNCATED: #8');
      expect(run.stdout).toContain(
        `published in: portal chat ${headChat().id}, message ${headChat().messageIds[1]}; witness ${witness.url} (latest)`,
      );
      expect(run.stderr).toContain(`unreachable: witness ${downUrl}`);
    } finally {
      await unadvertise();
    }
  });

  it('says the log was checked only against itself when no published head can be read', {
    timeout: 120_000,
  }, async () => {
    await append(4, 0);
    // Nothing published yet: the chat does not exist, the witness holds nothing.
    expect(await verify()).toMatchObject({ ok: true, selfCheckedOnly: true, published: [] });
    await publish();
    expect(await verify()).toMatchObject({ ok: true, selfCheckedOnly: false });

    // The auditor's case: heads published, then the tail deleted and rewound; but the CLI reaches no
    // portal (the API is not running, nothing advertised: application mode, nothing installed) and no
    // witness: it must not say OK, and says why in words.
    await append(6, 4);
    await publish();
    await insider('delete from audit_head_publication');
    await insider('delete from audit_tree_head');
    await rewindLog(insider, 7);
    const run = await runCli(['audit', 'verify'], { DATABASE_URL: api.databaseUrl, ...onlyDataDir() });
    expect(run.code, run.stdout).toBe(3);
    expect(run.stdout).toMatch(
      /^NOT VERIFIED AGAINST ANY PUBLISHED HEAD: 7 events \(#1 to #7\) were checked only against the database itself/,
    );
    expect(run.stdout).not.toMatch(/^OK/m);
    expect(run.stderr).toMatch(
      /unreachable: portal-chat portal: no portal: the application is not installed on a portal here \(and BITRIX24_WEBHOOK_URL is not set\)/,
    );
    expect(run.stderr).not.toContain('NO_AUTH_FOUND');
  });

  it('refuses to sign or publish a head of a log rewound, or rewound and grown again (a fork)', async () => {
    await append(14, 0);
    await publish();
    const [fourteen] = headChat().messageIds;
    // The insider removes every trace of head 14 from the database and rewinds the log to 9 events.
    await insider('delete from audit_head_publication');
    await insider('delete from audit_tree_head');
    await rewindLog(insider, 9);
    await expect(publish()).rejects.toMatchObject({
      name: 'PublishRefusedError',
      problem: { kind: 'TRUNCATED', head: { treeSize: 14 } },
    });

    // Seven new events arrive: 16, more than any published head, but its first 14 are not those of 14.
    await append(7, 100);
    const refused = publish();
    await expect(refused).rejects.toMatchObject({
      name: 'PublishRefusedError',
      problem: { kind: 'INCONSISTENT', head: { treeSize: 14 } },
      publishedIn: [`portal chat ${headChat().id}, message ${fourteen}`, `witness ${witness.url} (latest)`],
    });
    await expect(refused).rejects.toThrow(/No tree head was signed or published/);
    // Nothing of the fork went out or was signed: the chat and the witness still end at 14.
    expect(headChat().messageIds).toEqual([fourteen]);
    expect(witness.received.map((h) => h.treeSize)).toEqual([14]);
    expect((await (await fetch(witness.url)).json()).head).toMatchObject({ treeSize: 14 });
    expect(await insider('select tree_size from audit_tree_head')).toEqual([]);
    // Each channel records the refusal at the log's size (9, then 16), with the head the log contradicts.
    const rows = await insider<{ target: string; status: string; size: string }>(
      `select target, status, head->>'treeSize' as size from audit_head_publication where tree_size = 16`,
    );
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        { target: 'portal', status: 'refused', size: '14' },
        { target: witness.url, status: 'refused', size: '14' },
        { target: downUrl, status: 'refused', size: '14' },
      ]),
    );
    // The auditor's verifier names the fork by the same heads.
    expect(await verify()).toMatchObject({
      ok: false,
      problem: { kind: 'INCONSISTENT', head: { treeSize: '14' } },
    });
  });

  it('names a row inserted past the head', async () => {
    await publishFiveAndTen();
    await insider(
      `insert into audit_event select gen_random_uuid(), received_at, 11, occurred_at, actor, on_behalf_of,
         session_key, ip, user_agent, 'user.role_granted', target_type, target_id, metadata, source, null, sealed,
         hash, hash from audit_event where seq = 10`,
    );
    const [added] = await insider<{ id: string }>('select id from audit_event where seq = 11');
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: 'ADDED', seq: '11', eventId: added!.id, head: { treeSize: '10' } },
    });
    expect(result.problem.publishedIn).toContain(`witness ${witness.url} (latest)`);
  });

  it('names the oldest events deleted under a forged retention checkpoint', async () => {
    await publishFiveAndTen();
    const [seven] = await insider<{ hash: string }>('select hash from audit_event where seq = 7');
    await insider('delete from audit_event where seq <= 7');
    await insider('update audit_chain set checkpoint_seq = 7, checkpoint_hash = ?', [seven!.hash]);
    await api.services.audit.append(em(), [forgedPurge(7, seven!.hash)]);
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: 'FORGED_CHECKPOINT', seq: '6', head: { treeSize: '5' } },
    });
    expect(result.problem.publishedIn).toEqual([
      `portal chat ${headChat().id}, message ${headChat().messageIds[0]}`,
    ]);
  });

  it('refuses heads re-signed with a key of the insider’s own (a dump holds none)', async () => {
    await publishFiveAndTen();
    await rewindLog(insider, 7);
    const forger = generateKeyPairSync('ed25519');
    const [root] = await insider<{ root: string }>(
      "select encode(root_hash, 'hex') as root from audit_tree_head limit 1",
    );
    expect(root).toBeUndefined(); // the insider removed the log's heads; they sign their own
    const unsigned = {
      logId: 1,
      treeSize: 7,
      rootHash: '11'.repeat(32),
      timestamp: new Date().toISOString(),
    };
    await insider(
      `insert into audit_tree_head (log_id, tree_size, root_hash, issued_at, key_id, signature) values (1, 7, decode(?, 'hex'), ?, ?, ?)`,
      [
        unsigned.rootHash,
        unsigned.timestamp,
        keyIdOf(forger.publicKey),
        sign(null, headBytes(unsigned), forger.privateKey),
      ],
    );
    const result = await verify();
    expect(result).toMatchObject({ ok: false, problem: { kind: 'BAD_HEAD', head: { treeSize: '7' } } });
    expect(result.problem.message).toMatch(/not signed by a published key/);
  });

  it('names a head message edited or deleted in the portal chat', async () => {
    await append(5, 0);
    await publish();
    await append(5, 5);
    await publish();
    const adminHook = api.portal.webhookUrl(api.services.portal.adminUserId);
    const call = (method: string, params: Record<string, unknown>) =>
      fetch(`${adminHook}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
    const [five, ten] = headChat().messageIds;
    await call('im.message.delete', { MESSAGE_ID: five });
    expect(api.portal.state.messages.get(five!)).toMatchObject({ deleted: true });
    let result = await verify();
    expect(result).toMatchObject({ ok: false, problem: { kind: 'PUBLICATION_ALTERED' } });
    expect(result.problem.message).toMatch(/was deleted/);
    expect(result.problem.publishedIn).toEqual([`portal chat ${headChat().id}, message ${five}`]);

    await call('im.message.update', { MESSAGE_ID: ten, MESSAGE: chatMessages()[1]!.text });
    result = await verify();
    expect(result.problem).toMatchObject({
      kind: 'PUBLICATION_ALTERED',
      publishedIn: [`portal chat ${headChat().id}, message ${ten}`], // newest first
    });
    expect(result.problem.message).toMatch(/was edited/);
  });

  it('refuses to re-make a past week once a head covering it was published', async () => {
    const week = formatIsoWeek(weekBefore(isoWeekOfDate(new Date())));
    const reports = api.services.reports;
    await reports.generate(em(), week); // never mailed: no SMTP here
    await append(3, 0);
    await expect(reports.generate(em(), week, { force: true })).resolves.toMatchObject({ created: true });
    await publish();
    const refused = reports.generate(em(), week, { force: true });
    await expect(refused).rejects.toMatchObject({
      name: 'ReportPublishedError',
      publishedHeads: [expect.stringMatching(/^portal-chat portal: \d+ events at /), expect.any(String)],
    });
    await expect(refused).rejects.toThrow(/signed tree heads covering its events were published/);

    // The insider deletes the publication records: the heads are still in the chat and at the witness.
    await insider('delete from audit_head_publication');
    const still = reports.generate(em(), week, { force: true });
    const { treeSize, timestamp } = witness.received[0]!; // the one head published (the log and the reports' events)
    await expect(still).rejects.toMatchObject({
      name: 'ReportPublishedError',
      publishedHeads: [
        `portal chat ${headChat().id}, message ${headChat().messageIds[0]}: ${treeSize} events at ${timestamp}`,
        `witness ${witness.url} (latest): ${treeSize} events at ${timestamp}`,
      ],
    });
  });
});
