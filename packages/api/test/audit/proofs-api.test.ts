import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

const SCRIPT = new URL('../../../../docs/verify-audit-proof.py', import.meta.url).pathname;
const RECORD = `mutation ($events: [AuditEventInput!]!) { recordEvents(events: $events) { __typename } }`;
const HEAD =
  'query { auditTreeHead { __typename ... on AuditTreeHead { logId treeSize rootHash timestamp keyId signature } } }';
const EVENT = `query ($id: ID!, $size: String) { auditEvent(id: $id) { __typename ... on AuditEvent { id seq
  proof(treeSize: $size) { __typename ... on AuditInclusionProof { leafIndex treeSize leaf leafHash auditPath head { treeSize rootHash } } } } } }`;
const CONSISTENCY = `query ($first: String!) { auditConsistencyProof(first: $first) { __typename
  ... on AuditConsistencyProof { firstSize secondSize path firstHead { treeSize } secondHead { treeSize } } } }`;
const VERIFY = `query ($heads: [AuditTreeHeadInput!]) { verifyAuditLog(heads: $heads) { __typename
  ... on AuditVerification { ok heads treeSize problem { kind seq head { treeSize } } } } }`;

describe('tree heads and proofs through the API, checked by docs/verify-audit-proof.py and openssl', () => {
  let api: TestApi;
  let admin: string;
  let employee: string;
  let dir: string;
  beforeAll(async () => {
    api = await startTestApi({ jobs: false, env: { AUDIT_HEAD_INTERVAL_SECONDS: '0' } });
    admin = await api.tokenFor(1);
    employee = await api.tokenFor(5);
    dir = await mkdtemp(path.join(tmpdir(), 'b24-audit-proofs-'));
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const record = (from: number, n: number) =>
    api.gql(
      RECORD,
      {
        events: Array.from({ length: n }, (_, i) => ({
          idempotencyKey: `k${from + i}`,
          action: 'message.edited',
          occurredAt: new Date().toISOString(),
          targetType: 'message',
          targetId: String(from + i),
        })),
      },
      { token: employee },
    );
  const json = async (url: string, token = admin) => {
    const response = await api.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('serves signed heads and proofs that an auditor verifies without our code', async () => {
    await record(0, 6);
    const first = (await api.gql(HEAD, {}, { token: admin })).data!.auditTreeHead;
    expect(first).toMatchObject({ __typename: 'AuditTreeHead', logId: 1 });
    const firstSize = Number(first.treeSize);
    await record(6, 7);
    const { body: head } = await json('/audit/tree-head');
    expect(head.treeSize).toBe(firstSize + 7);
    const listed = await api.gql(
      'query { auditEvents(first: 3) { ... on QueryAuditEventsConnection { edges { node { id } } } } }',
      {},
      { token: admin },
    );
    const someId = listed.data!.auditEvents.edges[2].node.id as string;

    const inclusion = await json(`/audit/events/${someId}/proof`);
    expect(inclusion.status).toBe(200);
    expect(inclusion.body).toMatchObject({ eventId: someId, treeSize: head.treeSize, head });
    const consistency = await json(`/audit/consistency?first=${firstSize}`);
    expect(consistency.body).toMatchObject({ firstSize, secondSize: head.treeSize, secondHead: head });
    expect(consistency.body.firstHead).toMatchObject({ treeSize: firstSize, rootHash: first.rootHash });
    await writeFile(path.join(dir, 'inclusion.json'), JSON.stringify(inclusion.body));
    await writeFile(path.join(dir, 'consistency.json'), JSON.stringify(consistency.body));
    const key = await api.fetch('/audit/public-key');
    await writeFile(path.join(dir, 'key.pem'), await key.text());
    await writeFile(path.join(dir, 'keys.json'), await (await api.fetch('/audit/public-keys')).text());
    const run = (keys = 'keys.json') =>
      execFileSync('python3', [SCRIPT, keys, 'inclusion.json', 'consistency.json'], {
        cwd: dir,
      }).toString();
    expect(run('key.pem')).toBe(run());
    expect(run()).toBe(
      `inclusion.json: event ${someId} is leaf ${inclusion.body.leafIndex} of the signed tree of ${head.treeSize}\n` +
        `consistency.json: the signed tree of ${head.treeSize} extends the signed tree of ${firstSize}\n`,
    );
    // A flipped bit anywhere fails it: in the path, or in the signed head.
    const bad = structuredClone(inclusion.body);
    bad.auditPath[0] = `${bad.auditPath[0].slice(0, -1)}${bad.auditPath[0].endsWith('0') ? '1' : '0'}`;
    await writeFile(path.join(dir, 'inclusion.json'), JSON.stringify(bad));
    expect(run).toThrow(/not included/);
    // Also under python -O, which drops asserts: the script's checks are its own exits.
    expect(() =>
      execFileSync('python3', ['-O', SCRIPT, 'keys.json', 'inclusion.json'], { cwd: dir, stdio: 'pipe' }),
    ).toThrow(/FAILED: not included/);
    // The event id printed is the one in the hashed leaf, not a field beside it.
    await writeFile(
      path.join(dir, 'inclusion.json'),
      JSON.stringify({ ...inclusion.body, eventId: '01a250b9-0000-7000-8000-000000000000' }),
    );
    expect(run).toThrow(/the leaf is another event/);
    await writeFile(
      path.join(dir, 'inclusion.json'),
      JSON.stringify({ ...inclusion.body, head: { ...head, treeSize: 99 } }),
    );
    expect(run).toThrow(/openssl/);

    // The same through GraphQL, against the latest head or an earlier size.
    const viaGraphql = (await api.gql(EVENT, { id: someId }, { token: admin })).data!.auditEvent;
    expect(viaGraphql.proof).toMatchObject({
      __typename: 'AuditInclusionProof',
      leafIndex: String(inclusion.body.leafIndex),
      auditPath: inclusion.body.auditPath,
      head: { treeSize: String(head.treeSize), rootHash: head.rootHash },
    });
    const consistent = (await api.gql(CONSISTENCY, { first: String(firstSize) }, { token: admin })).data!;
    expect(consistent.auditConsistencyProof).toMatchObject({
      path: consistency.body.path,
      firstHead: { treeSize: String(firstSize) },
    });
    const verified = (
      await api.gql(
        VERIFY,
        { heads: [first].map(({ __typename, ...h }: Record<string, unknown>) => h) },
        { token: admin },
      )
    ).data!;
    expect(verified.verifyAuditLog).toMatchObject({ ok: true, heads: 3, problem: null });
  });

  it('refuses heads and proofs to employees and anonymous callers, and names bad sizes', async () => {
    expect((await json('/audit/tree-head', employee)).status).toBe(403);
    expect((await api.fetch('/audit/tree-head')).status).toBe(401);
    expect((await api.gql(HEAD, {}, { token: employee })).errors?.[0]?.message).toMatch(/authori/i);
    expect((await json('/audit/consistency?first=999999')).status).toBe(409);
    expect((await json('/audit/consistency?first=x')).status).toBe(400);
    expect((await json('/audit/events/00000000-0000-0000-0000-000000000000/proof')).status).toBe(404);
    const tooBig = await api.gql(CONSISTENCY, { first: '999999' }, { token: admin });
    expect(tooBig.data?.auditConsistencyProof).toMatchObject({ __typename: 'InvalidInputError' });
  });
});
