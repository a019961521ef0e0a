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

  it('checks the log, says no published head was read (exit 3), then names the changed event', async () => {
    const stored = await f.audit.append(f.em(), drafts(6));
    // No portal, witness, weekly file or --head here: the log can only be checked against itself.
    const alone = await runCli(['audit', 'verify'], env);
    expect(alone.code, alone.stderr).toBe(3);
    expect(alone.stdout).toContain('NOT VERIFIED AGAINST ANY PUBLISHED HEAD: 6 events (#1 to #6)');

    await f.sql(`update audit_event set target_id = '1' where seq = 3`);
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain(`CHANGED: #3 ${stored[2]!.id}`);
  });
});
