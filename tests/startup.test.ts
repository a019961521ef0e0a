import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnApi } from './support/api-process.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('pnpm start on the embedded defaults', () => {
  it('starts on PGlite and the sandbox, answers /readyz and GraphQL, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'b24-start-'));
    dirs.push(dataDir);
    const api = spawnApi({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
    try {
      const ready = await api.waitForLog(/GraphQL API and GraphiQL: (http:\/\/\S+)\/graphql/);
      const base = /(http:\/\/\S+)\/graphql/.exec(ready)![1]!;
      const portalLine = await api.waitForLog(/portal: SANDBOX/);
      expect(portalLine).toMatch(/emulated Bitrix24 at http:\/\/127\.0\.0\.1:\d+/);
      const tokenLine = await api.waitForLog(/sandbox administrator token/);
      const token = /(b24g_\S+)/.exec(tokenLine)![1]!;

      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const answer = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { userId roles } }' }),
      });
      expect(await answer.json()).toEqual({ data: { me: { userId: 1, roles: ['EMPLOYEE', 'ADMIN'] } } });
      expect(await readdir(path.join(dataDir, 'pglite'))).not.toHaveLength(0);

      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(api.logs.some((l) => l.msg === 'stopped')).toBe(true);
    } finally {
      api.child.kill('SIGKILL');
    }
  });

  it('refuses a bad setting with one line that names the variable', async () => {
    const api = spawnApi({ PORT: 'eighty' });
    expect(await api.exited).toBe(1);
    expect(api.stderr.join('\n')).toMatch(/^Invalid PORT: .*"eighty"/m);
  });

  it('never echoes a webhook secret when refusing it', async () => {
    const api = spawnApi({ BITRIX24_WEBHOOK_URL: 'ftp://portal.example/rest/1/s3cr3tc0de/' });
    expect(await api.exited).toBe(1);
    const output = api.stderr.join('\n');
    expect(output).toMatch(/^Invalid BITRIX24_WEBHOOK_URL/m);
    expect(output).not.toContain('s3cr3tc0de');
  });
});
