import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../packages/api/test/support/zip.ts';
import { type ApiProcess, REPO_ROOT, spawnApi } from './support/api-process.ts';
import { runCliBin, runCliWithPnpm } from './support/cli-process.ts';

// `pnpm start` on the embedded defaults holds the PGlite database; the README's bootstrap step and every
// other operator command must work beside it, from wherever the operator stands.
let dataDir: string;
let operatorDir: string;
let api: ApiProcess;
let base: string;
let sandbox: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'b24-cli-api-'));
  operatorDir = await mkdtemp(path.join(tmpdir(), 'b24-operator-'));
  api = spawnApi({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  base = /(http:\/\/\S+)\/graphql/.exec(await api.waitForLog(/GraphQL API and GraphiQL: http/))![1]!;
  sandbox = /(http:\/\/127\.0\.0\.1:\d+)/.exec(await api.waitForLog(/portal: SANDBOX/))![1]!;
  await api.waitForLog(/sandbox administrator token/);
});
afterAll(async () => {
  api.child.kill('SIGTERM');
  await api.exited;
  await rm(dataDir, { recursive: true, force: true });
  await rm(operatorDir, { recursive: true, force: true });
});

const env = () => ({ DATA_DIR: dataDir });

const me = async (token: string) => {
  const answer = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { userId roles } }' }),
  });
  return answer.json();
};

const portalUser = async (id: number) =>
  (await (await fetch(`${sandbox}/_sandbox/state/users/${id}`)).json()) as { EMAIL: string; NAME: string };

describe('the CLI while `pnpm start` holds the embedded database', { timeout: 240_000 }, () => {
  it('creates a token the running API accepts, verifies the audit log and lists reports', async () => {
    const created = await runCliWithPnpm(['token', 'create', '--user', '24'], operatorDir, env());
    expect(created.stderr).not.toMatch(/in use by process/);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^b24g_\S+$/);
    expect(await me(token)).toEqual({ data: { me: { userId: 24, roles: ['EMPLOYEE'] } } });

    // The log is still empty here; the CLI found the running API's sandbox (through DATA_DIR) to read its
    // head chat: the portal is not unreachable.
    const verified = await runCliBin(['audit', 'verify'], operatorDir, env());
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: \d+ events verified/);
    expect(verified.stderr).not.toContain('unreachable: portal-chat');

    const reports = await runCliBin(['report', 'list'], operatorDir, env());
    expect(reports.code, reports.stderr).toBe(0);

    const revoked = await runCliBin(
      ['token', 'revoke', /^token (\S+) issued/m.exec(created.stderr)![1]!],
      operatorDir,
      env(),
    );
    expect(revoked.code, revoked.stderr).toBe(0);
    // The API keeps a token it has seen for up to 5 s (PrincipalService); then the revocation holds.
    await expect
      .poll(async () => (await me(token)).errors?.[0]?.extensions?.code, { timeout: 10_000, interval: 500 })
      .toBe('FORBIDDEN');
  });

  it('writes an export where the operator stands and prints the name it wrote (through pnpm)', async () => {
    const run = await runCliWithPnpm(['export', '--user', '12', '--out', 'user-12.zip'], operatorDir, env());
    expect(run.code, run.stderr).toBe(0);
    const written = path.join(operatorDir, 'user-12.zip');
    expect(run.stdout.trim()).toBe(`wrote ${written}`);
    await expect(access(path.join(REPO_ROOT, 'packages/api/user-12.zip'))).rejects.toThrow();
    const entries = await readZip(await readFile(written));
    expect(JSON.parse(entries.get('manifest.json')!.toString('utf8')).subject).toMatchObject({ userId: 12 });
    expect(entries.get('profile.csv')!.toString('utf8')).toContain((await portalUser(12)).EMAIL);
  });

  it('writes an export relative to the working directory when the bin file is run directly', async () => {
    await mkdir(path.join(operatorDir, 'out'));
    // An INIT_CWD left from some other pnpm session must not redirect it.
    const run = await runCliBin(['export', '--user', '13', '--out', 'out/user-13.zip'], operatorDir, {
      ...env(),
      INIT_CWD: REPO_ROOT,
    });
    expect(run.code, run.stderr).toBe(0);
    const written = path.join(operatorDir, 'out', 'user-13.zip');
    expect(run.stdout.trim()).toBe(`wrote ${written}`);
    const entries = await readZip(await readFile(written));
    expect(entries.get('profile.csv')!.toString('utf8')).toContain((await portalUser(13)).EMAIL);
  });
});
