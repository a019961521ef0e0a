import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../packages/api/test/support/zip.ts';
import { type ApiProcess, spawnApi } from './support/api-process.ts';
import { runCliBin } from './support/cli-process.ts';
import { type SandboxProcess, spawnSandbox } from './support/sandbox-process.ts';

// A sandbox started on its own, and an API pointed at it with SANDBOX_URL and nothing else: no
// BITRIX24_APPLICATION_TOKEN, no webhooks. The sandbox's /_sandbox/info is all the API needs.
let sandbox: SandboxProcess;
let api: ApiProcess;
let base: string;
let dataDir: string;
beforeAll(async () => {
  sandbox = await spawnSandbox();
  dataDir = await mkdtemp(path.join(tmpdir(), 'b24-external-sandbox-'));
  api = spawnApi({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    SANDBOX_URL: sandbox.url,
    BITRIX24_APPLICATION_TOKEN: undefined,
  });
  base = /(http:\/\/\S+)\/graphql/.exec(await api.waitForLog(/GraphQL API and GraphiQL: http/))![1]!;
});
afterAll(async () => {
  api?.child.kill('SIGTERM');
  await api?.exited;
  sandbox?.child.kill('SIGTERM');
  await sandbox?.exited;
  await rm(dataDir, { recursive: true, force: true });
});

const inspect = async <T>(route: string, init?: RequestInit): Promise<T> =>
  (await (await fetch(`${sandbox.url}/_sandbox${route}`, init)).json()) as T;
const info = () => inspect<{ applicationToken: string; webhookUrls: Record<string, string> }>('/info');

/** A REST call as the webhook's owner, as any portal user can make one. */
async function rest(webhook: string, method: string, params: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${webhook}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (body.error) throw new Error(`${method}: ${body.error}`);
  return body.result;
}

async function tokenFor(userId: number): Promise<string> {
  const run = await runCliBin(['token', 'create', '--user', String(userId)], dataDir, { DATA_DIR: dataDir });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('an API attached to a separately started sandbox', { timeout: 180_000 }, () => {
  it('accepts the portal events the sandbox signs, and refuses others', async () => {
    const { applicationToken, webhookUrls } = await info();
    const handler = `${base}/bitrix24/events`;
    // The API bound its handlers at start; posts and edits through the portal's REST API reach it.
    // Edit history is for administrators and auditors; the portal confirms user 1 is one.
    const admin = await tokenFor(1);
    const versions = async () => {
      const answer = await gql(
        admin,
        `{ editHistory(entityType: POST, entityId: "${postId}") { ... on EditHistory { versions { version { text } } } } }`,
      );
      return ((answer.data?.editHistory?.versions ?? []) as { version: { text: string } }[]).map(
        (v) => v.version.text,
      );
    };
    // Events carry only ids and the API fetches the post: each edit waits for the previous version.
    const postId = Number(
      await rest(webhookUrls['5']!, 'log.blogpost.add', { POST_MESSAGE: 'First words', DEST: ['UA'] }),
    );
    type Delivery = { event: string; url: string; status: number | null; body: Record<string, string> };
    const deliveries = async () =>
      (await inspect<Delivery[]>('/deliveries')).filter((d) => d.url === handler);
    const [added] = await until('the delivery of the new post', async () => {
      const mine = await deliveries();
      return mine.length > 0 && mine.every((d) => d.status !== null) ? mine : undefined;
    });
    expect(added!.status).toBe(200);
    await until('the first version', async () => ((await versions()).length === 1 ? true : undefined));
    await rest(webhookUrls['5']!, 'log.blogpost.update', { POST_ID: postId, POST_MESSAGE: 'Second words' });
    await until('the second version', async () => ((await versions()).length === 2 ? true : undefined));
    expect(await versions()).toEqual(['First words', 'Second words']);

    const delivered = await deliveries();
    expect(delivered.map((d) => [d.event, d.status, d.body['auth[application_token]']])).toEqual([
      ['ONLIVEFEEDPOSTADD', 200, applicationToken],
      ['ONLIVEFEEDPOSTUPDATE', 200, applicationToken],
    ]);

    // The same delivery under another token is refused.
    const forged = new URLSearchParams({ ...delivered[1]!.body, 'auth[application_token]': 'not-the-token' });
    const refused = await fetch(handler, { method: 'POST', body: forged });
    expect(refused.status).toBe(401);
  });

  it('acts as a user added to the sandbox after the API started', async () => {
    const { ids } = await inspect<{ ids: number[] }>('/seed/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1, prefix: 'Newcomer' }),
    });
    const newcomer = ids[0]!;
    const { webhookUrls } = await info();
    const chat = await inspect<{ id: number; dialogId: string }>('/seed/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ memberIds: [newcomer, 3], title: 'Onboarding', type: 'chat' }),
    });
    for (const text of ['hello from the newcomer', 'second note from the newcomer'])
      await rest(webhookUrls[String(newcomer)]!, 'im.message.add', {
        DIALOG_ID: chat.dialogId,
        MESSAGE: text,
      });

    // Chats are readable only with the subject's own credentials: the export shows whether the API has them.
    const token = await tokenFor(newcomer);
    const started = await gql(
      token,
      `mutation { requestDataExport(userId: ${newcomer}) { ... on DataSubjectRequest { id } } }`,
    );
    const id = started.data?.requestDataExport?.id as string;
    expect(id, JSON.stringify(started)).toBeTruthy();
    const done = await until('the export', async () => {
      const answer = await gql(
        token,
        `{ dataSubjectRequest(id: "${id}") { ... on DataSubjectRequest { status error download { url } } } }`,
      );
      const request = answer.data?.dataSubjectRequest;
      return ['COMPLETED', 'FAILED'].includes(request?.status) ? request : undefined;
    });
    expect(done.status, done.error).toBe('COMPLETED');
    const archive = await fetch(done.download.url, { headers: { authorization: `Bearer ${token}` } });
    expect(archive.status).toBe(200);
    const entries = await readZip(Buffer.from(await archive.arrayBuffer()));
    const messages = entries.get('chat-messages.csv')?.toString('utf8') ?? '';
    const sent = await inspect<{ text: string }[]>(`/state/messages?chatId=${chat.id}&authorId=${newcomer}`);
    expect(sent).toHaveLength(2);
    for (const { text } of sent) expect(messages).toContain(text);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(JSON.stringify(manifest)).not.toMatch(/credential/i);
  });
});
