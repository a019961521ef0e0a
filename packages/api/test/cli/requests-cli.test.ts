import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli-process.ts';
import { readZip } from '../support/zip.ts';

let api: TestApi;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  dir = await mkdtemp(path.join(tmpdir(), 'b24-cli-'));
  env = {
    DATABASE_URL: api.databaseUrl,
    SANDBOX_URL: api.portal.url,
    DATA_DIR: dir,
    // The API's keys: a CLI on another DATA_DIR finds them only when told where.
    AUDIT_KEYS_DIR: path.join(api.services.config.DATA_DIR, 'keys'),
    BITRIX24_PLAN: 'enterprise',
  };
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe('operator CLI', { timeout: 180_000 }, () => {
  it('exports a subject to a file', async () => {
    const out = path.join(dir, 'user-25.zip');
    const run = await runCli(['export', '--user', '25', '--out', out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}`);
    const entries = await readZip(await readFile(out));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({
      format: 'b24-gdpr-export',
      subject: { userId: 25 },
      portal: api.portal.domain,
    });
    expect(entries.get('profile.csv')?.toString('utf8')).toContain(api.portal.state.users.get(25)!.EMAIL);
  });

  it('refuses an output file in a missing folder before anything runs: no request, no notification', async () => {
    const count = () => api.services.orm.em.fork().count(DataSubjectRequest, {});
    const requests = await count();
    const notified = api.portal.counters.calls('im.notify.system.add');
    const out = path.join(dir, 'missing', 'user-24.zip');
    const run = await runCli(['export', '--user', '24', '--out', out], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the folder ${path.dirname(out)} does not exist; nothing was done`);
    expect(await count()).toBe(requests);
    expect(api.portal.counters.calls('im.notify.system.add')).toBe(notified);
  });

  it('refuses to anonymise while the master switch is off, saying which rule, and changes nothing', async () => {
    const before = { ...api.portal.state.users.get(26)! };
    const run = await runCli(['anonymise', '--user', '26'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Anonymisation is switched off/);
    expect(api.portal.state.users.get(26)).toMatchObject({ NAME: before.NAME, EMAIL: before.EMAIL });
  });

  it('erases a subject after showing the preview (confirmed with --yes)', async () => {
    await api.services.settings.update(api.services.orm.em.fork(), { erasureEnabled: true }, 1);
    api.portal.seed.post(27, 'Going away party');
    const run = await runCli(['erase', '--user', '27', '--yes'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/no REST method to delete a user/); // the preview was printed
    expect(run.stdout).toMatch(/"status": "COMPLETED"/);
    expect(api.portal.state.users.get(27)!.ACTIVE).toBe(false);
    expect([...api.portal.state.posts.values()].some((p) => p.authorId === 27)).toBe(false);
  });

  it('never erases without confirmation when it cannot ask', async () => {
    const run = await runCli(['erase', '--user', '28'], env);
    expect(run.stdout).toMatch(/nothing was changed/);
    expect(api.portal.state.users.get(28)!.ACTIVE).toBe(true);
  });
});
