import { request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { CHROME_EXTENSION_ORIGIN } from '@b24-gdpr/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_MAX_BODY_BYTES } from '../../src/http/graphql-body-limit.ts';
import { listenApi } from '../../src/http/node-listener.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

// The listener `pnpm start` serves: GraphQL with a declared body length goes straight to yoga, the rest
// through Hono. Both ways must behave alike, so these requests cross a real loopback socket.
/** Our extension's origin, allowed by default (EXTENSION_ORIGINS). */
const CHROME = CHROME_EXTENSION_ORIGIN;
const RECORD = `mutation ($events: [AuditEventInput!]!) {
  recordEvents(events: $events) { __typename ... on RecordEventsResult { stored } ... on InvalidInputError { field message } }
}`;
const EVENTS = `query ($key: String!) {
  auditEvents(filter: { actionPrefix: "post" }, first: 50) {
    ... on QueryAuditEventsConnection { edges { node { ip userAgent targetId } } }
  }
  mine: auditEvents(filter: { targetId: $key }, first: 5) {
    ... on QueryAuditEventsConnection { edges { node { targetId } } }
  }
}`;

let api: TestApi;
let server: Server;
let base: string;
let token: string;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  server = await listenApi(api.services, '127.0.0.1', 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = await api.tokenFor(1);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await api.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

/** A recordEvents request reporting one deleted post, `key` naming both the event and the post. */
const deletion = (key: string) => ({
  query: RECORD,
  variables: {
    events: [
      {
        idempotencyKey: key,
        action: 'post.deleted',
        targetType: 'post',
        occurredAt: new Date().toISOString(),
        targetId: key,
      },
    ],
  },
});

/** A POST through node:http with the body sent in chunks (no Content-Length), as a streaming client would. */
function postChunked(chunks: Iterable<string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/graphql`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => {
          body += part;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('the API as pnpm start serves it', () => {
  it("answers GraphQL straight from Node's server and records the caller's address", async () => {
    const key = String(Date.now());
    const answer = await post(deletion(key), { 'user-agent': 'listener-test/1.0' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      data: { recordEvents: { __typename: 'RecordEventsResult', stored: 1 } },
    });

    const read = await (await post({ query: EVENTS, variables: { key } })).json();
    const mine = read.data.auditEvents.edges.map((e: { node: object }) => e.node);
    expect(mine).toContainEqual({ ip: '127.0.0.1', userAgent: 'listener-test/1.0', targetId: key });
  });

  it('answers CORS for the extension on the direct path and nothing for other origins', async () => {
    const preflight = await fetch(`${base}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: CHROME,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-graphql-yoga-csrf',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CHROME);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/x-graphql-yoga-csrf/);

    const allowed = await post(
      { query: '{ me { userId } }' },
      { origin: CHROME, 'x-graphql-yoga-csrf': '1' },
    );
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CHROME);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    expect(await allowed.json()).toEqual({ data: { me: { userId: 1 } } });

    const stranger = await post({ query: '{ me { userId } }' }, { origin: 'https://evil.example' });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a body sent in chunks (through Hono) like one with a declared length', async () => {
    const body = JSON.stringify({ query: '{ me { userId roles } }' });
    const chunked = await postChunked([body.slice(0, 10), body.slice(10)]);
    expect(chunked.status).toBe(200);
    expect(JSON.parse(chunked.body)).toEqual(await (await post(JSON.parse(body))).json());
  });

  it('refuses a declared body over the limit before reading it', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(GRAPHQL_MAX_BODY_BYTES + 1) },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => {
          body += part;
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only: the answer must come without the body
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a chunked body once it passes the limit, and stores nothing', async () => {
    const key = String(Date.now() + 1);
    const head = JSON.stringify(deletion(key));
    // Valid JSON once whitespace is added, so only the size can be the reason for the refusal.
    const filler = ' '.repeat(1_000_000);
    const chunks = [head.slice(0, -1), ...Array.from({ length: 26 }, () => filler), '}'];
    const answer = await postChunked(chunks);
    expect(answer.status).toBe(413);
    const read = await (await post({ query: EVENTS, variables: { key } })).json();
    expect(read.data.mine.edges).toEqual([]);
  });

  it('serves the other routes through the same listener', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
