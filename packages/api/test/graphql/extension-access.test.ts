import { CHROME_EXTENSION_ORIGIN } from '@b24-gdpr/shared';
import {
  DataSubjectRequestsDocument,
  DismissedUsersDocument,
  EditSummariesDocument,
  ImpersonationSessionsDocument,
  MeDocument,
  type MeQuery,
  requestBody,
  SettingsDocument,
  type TypedDocumentNode,
  UserRightsDocument,
  UsersDocument,
  VerifyAuditLogDocument,
  WeeklyReportSettingsDocument,
  WeeklyReportsDocument,
} from '@b24-gdpr/shared/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/** Ours: the id the manifest key fixes (packages/shared/src/extension-identity.ts). */
const CHROME = CHROME_EXTENSION_ORIGIN;
/** A Firefox installation of ours, whose per-installation origin the operator listed. */
const FIREFOX = 'moz-extension://0b7c8f4e-3d52-4a8e-9f0b-2c1d3e4f5a6b';
const LISTED = 'https://console.example.com';
const STRANGER = 'https://evil.example';
/** Any other installed extension: it must not read the API with a token it found. */
const OTHER_CHROME_EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const OTHER_FIREFOX_EXTENSION = 'moz-extension://11111111-2222-4333-8444-555555555555';

let api: TestApi;
let admin: string;
beforeAll(async () => {
  api = await startTestApi({ env: { CORS_ORIGINS: LISTED, EXTENSION_ORIGINS: `${CHROME}, ${FIREFOX}` } });
  admin = await api.tokenFor(1);
});
afterAll(() => api.close());

/** What a browser asks before the extension's fetch with a bearer token and the CSRF header. */
const preflight = (path: string, origin: string, method = 'POST') =>
  api.fetch(path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,x-graphql-yoga-csrf',
    },
  });

const DOWNLOADS = [
  '/exports/0194f3a2-0000-7000-8000-000000000000/download',
  '/audit/reports/0194f3a2-0000-7000-8000-000000000000/download',
];

describe('CORS for the browser extension', () => {
  it.each([CHROME, FIREFOX, LISTED])(
    'lets %s send a bearer token to /graphql and read the answer',
    async (origin) => {
      const allowed = await preflight('/graphql', origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      // A list, as browsers read it: comma-separated, spaces around the names ignored.
      const headers = allowed.headers.get('access-control-allow-headers')?.split(/\s*,\s*/) ?? [];
      expect(headers).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'x-graphql-yoga-csrf']),
      );
      expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
      // Tokens travel in a header, never in cookies.
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

      const answer = await api.fetch('/graphql', {
        method: 'POST',
        headers: {
          origin,
          authorization: `Bearer ${admin}`,
          'content-type': 'application/json',
          'x-graphql-yoga-csrf': '1',
        },
        body: JSON.stringify({ query: '{ me { userId } }' }),
      });
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toMatch(/origin/i);
      expect(await answer.json()).toEqual({ data: { me: { userId: 1 } } });
    },
  );

  it.each(DOWNLOADS)('lets the extension GET %s with its bearer token', async (path) => {
    const allowed = await preflight(path, CHROME, 'GET');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CHROME);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const answer = await api.fetch(path, { headers: { origin: CHROME, authorization: `Bearer ${admin}` } });
    expect(answer.status).toBeGreaterThanOrEqual(400); // no such file, but the extension may read why
    expect(answer.headers.get('access-control-allow-origin')).toBe(CHROME);
  });

  it("allows only our Chromium build's origin unless EXTENSION_ORIGINS says otherwise", () => {
    expect(loadConfig({}).EXTENSION_ORIGINS).toEqual([CHROME_EXTENSION_ORIGIN]);
    expect(loadConfig({ EXTENSION_ORIGINS: FIREFOX }).EXTENSION_ORIGINS).toEqual([FIREFOX]);
    expect(() => loadConfig({ EXTENSION_ORIGINS: 'https://example.com' })).toThrow(/EXTENSION_ORIGINS/);
  });

  it('gives any other origin, other extensions included, nothing a browser would let it read', async () => {
    const others = [
      STRANGER,
      OTHER_CHROME_EXTENSION,
      OTHER_FIREFOX_EXTENSION,
      'chrome-extension://not-an-id',
      'null',
    ];
    for (const origin of others) {
      for (const path of ['/graphql', ...DOWNLOADS]) {
        const refused = await preflight(path, origin);
        expect(refused.headers.get('access-control-allow-origin'), `${origin} ${path}`).toBeNull();
      }
      const answer = await api.fetch('/graphql', {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { userId } }' }),
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

/** Sends one of the extension's documents as its client does. */
async function run<R, V>(document: TypedDocumentNode<R, V>, variables: V, token: string) {
  const response = await api.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(requestBody(document, variables)),
  });
  return (await response.json()) as { data?: R; errors?: unknown[] };
}

describe("the extension's documents", () => {
  it('Me names the signed-in employee, and no one for an integrator token', async () => {
    const me = await run(MeDocument, {}, await api.tokenFor(20));
    const portalUser = api.portal.state.users.get(20)!;
    expect(me.data?.me.user).toMatchObject({ id: 20, name: portalUser.NAME, lastName: portalUser.LAST_NAME });
    const { token } = await api.services.tokens.issueIntegratorToken(
      api.services.orm.em.fork(),
      ['users:read'],
      'test',
      1,
    );
    const integrator: { data?: MeQuery } = await run(MeDocument, {}, token);
    expect(integrator.data?.me).toMatchObject({ userId: null, user: null, roles: ['INTEGRATOR'] });
  });

  it("an administrator's console queries run without errors", async () => {
    const page = { first: 5 };
    const results = [
      await run(SettingsDocument, {}, admin),
      await run(WeeklyReportSettingsDocument, {}, admin),
      await run(UsersDocument, { ...page, filter: { active: true } }, admin),
      await run(DismissedUsersDocument, page, admin),
      await run(UserRightsDocument, { userId: 20 }, admin),
      await run(DataSubjectRequestsDocument, page, admin),
      await run(ImpersonationSessionsDocument, page, admin),
      await run(EditSummariesDocument, { refs: [{ entityType: 'POST', entityId: '1' }] }, admin),
      await run(WeeklyReportsDocument, page, admin),
      await run(VerifyAuditLogDocument, {}, admin),
    ];
    for (const result of results) expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(results.every((r) => r.data)).toBe(true);
  });
});
