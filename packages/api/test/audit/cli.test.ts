import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { type AuditFixture, auditFixture, drafts } from './support.ts';

describe('audit verify (CLI)', { timeout: 120_000 }, () => {
  let f: AuditFixture;
  let env: Record<string, string>;
  beforeAll(async () => {
    f = await auditFixture();
    env = {
      DATABASE_URL: f.db.url,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'b24-audit-cli-')),
      APP_SECRET: f.secretBase64,
    };
  });
  afterAll(async () => {
    await f?.close();
    await rm(env.DATA_DIR!, { recursive: true, force: true });
  });

  it('reports OK with the count, then names the changed event and exits non-zero', async () => {
    const stored = await f.audit.append(f.em(), drafts(6));
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('OK: 6 events verified, #1 to #6');

    await f.sql(`update audit_event set target_id = '1' where seq = 3`);
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain(`CHANGED: #3 ${stored[2]!.id}`);
  });
});
