import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CHROME_EXTENSION_ORIGIN } from '@b24-gdpr/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/errors.ts';
import { AppHandoff } from '../../src/modules/app-handoff/app-handoff.entity.ts';
import { HANDOFF_LIMIT } from '../../src/modules/app-handoff/handoff.service.ts';
import { signFrameTicket } from '../../src/modules/app-pages/frame-ticket.ts';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { ApiToken } from '../../src/modules/identity/api-token.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/**
 * The extension's sign-in through the app page, at the API's edge: the three steps as the
 * extension's background, our frame and a portal page's script send them. The frame's ticket is
 * signed here as the page route signs it for a verified frame (app-pages.routes.ts).
 */
const COMPLETE = `mutation ($code: String!, $verifier: String!) {
  completeAppSignIn(code: $code, verifier: $verifier) {
    __typename
    ... on IssuedToken { token apiToken { id userId } }
    ... on PolicyRefusedError { rule message }
  }
}`;
const START = `mutation ($portalUrl: String!, $challenge: String!) {
  startAppSignIn(portalUrl: $portalUrl, challenge: $challenge) {
    __typename
    ... on PolicyRefusedError { rule }
    ... on NotFoundError { message }
  }
}`;
const EXTENSION = { origin: CHROME_EXTENSION_ORIGIN };
const PORTAL_PAGE = { origin: 'https://example.bitrix24.com' };
const USER = 5;

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

let api: TestApi;
const portalId = randomUUID();
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
});
afterAll(() => api?.close());

/** Step 1 as the API records it for the extension (startAppSignIn needs an installed portal). */
async function registered(): Promise<ReturnType<typeof pkce>> {
  const pair = pkce();
  await api.services.handoff.begin(api.services.orm.em.fork(), portalId, pair.challenge, 'local');
  return pair;
}

/** Step 2 as our frame sends it: its ticket and the challenge the content script posted in. */
function frameAsks(challenge: string, ticketFor = { portalId, userId: USER }) {
  const ticket = signFrameTicket(api.services.secret, { ...ticketFor, expiresAt: Date.now() + 60_000 });
  return api.fetch('/bitrix24/app/handoff', {
    method: 'POST',
    headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' },
    body: JSON.stringify({ challenge }),
  });
}

const exchange = (code: string, verifier: string, headers: Record<string, string>) =>
  api.gql(COMPLETE, { code, verifier }, { headers });

describe('sign-in through the app page', () => {
  it('gives the extension a token for the frame’s user, and stores no code', async () => {
    const { verifier, challenge } = await registered();
    const asked = await frameAsks(challenge);
    expect(asked.status).toBe(200);
    const { code } = (await asked.json()) as { code: string };

    const answer = await exchange(code, verifier, EXTENSION);
    const issued = answer.data?.completeAppSignIn;
    expect(issued).toMatchObject({ __typename: 'IssuedToken', apiToken: { userId: USER } });
    const me = await api.gql('{ me { userId roles } }', {}, { token: issued.token });
    expect(me.data?.me).toMatchObject({ userId: USER, roles: ['EMPLOYEE'] });

    const stored = await api.services.orm.em.fork().findOneOrFail(AppHandoff, { challenge });
    expect(stored.userId).toBe(USER);
    expect(stored.usedAt).not.toBeNull();
    // The audit log says who signed in, how, and which token it got.
    const events = await api.services.orm.em.fork().find(AuditEvent, { action: 'auth.signin' });
    expect(events.map((e) => [e.actor, e.targetType, e.targetId, e.metadata])).toContainEqual([
      String(USER),
      'token',
      issued.apiToken.id,
      { method: 'app-page' },
    ]);
    expect(JSON.stringify(stored)).not.toContain(code);
    // A second exchange of the same code gets nothing.
    expect((await exchange(code, verifier, EXTENSION)).data?.completeAppSignIn).toMatchObject({
      __typename: 'PolicyRefusedError',
      rule: 'APP_HANDOFF_REFUSED',
    });
  });

  it('gives a portal page’s script nothing: its own challenge is unknown, the page origin may not register or exchange', async () => {
    const tokensBefore = await api.services.orm.em.fork().count(ApiToken, {});
    // The script posts a challenge of its own into our frame: nobody registered it, so no code.
    const own = pkce();
    const asked = await frameAsks(own.challenge);
    expect(asked.status).toBe(403);
    expect(await asked.json()).not.toHaveProperty('code');
    // Registering it itself from the page: refused by origin (a browser sets Origin; no script can).
    const start = await api.gql(
      START,
      { portalUrl: PORTAL_PAGE.origin, challenge: own.challenge },
      { headers: PORTAL_PAGE },
    );
    expect(start.data?.startAppSignIn).toMatchObject({ rule: 'APP_SIGNIN_EXTENSION_ONLY' });

    // Even holding a real code and its verifier, the page's origin cannot exchange them…
    const { verifier, challenge } = await registered();
    const { code } = (await (await frameAsks(challenge)).json()) as { code: string };
    expect((await exchange(code, verifier, PORTAL_PAGE)).data?.completeAppSignIn).toMatchObject({
      rule: 'APP_SIGNIN_EXTENSION_ONLY',
    });
    // …and a code with the wrong verifier is spent: the right one no longer works after it.
    expect((await exchange(code, pkce().verifier, EXTENSION)).data?.completeAppSignIn).toMatchObject({
      rule: 'APP_HANDOFF_REFUSED',
    });
    expect((await exchange(code, verifier, EXTENSION)).data?.completeAppSignIn).toMatchObject({
      rule: 'APP_HANDOFF_REFUSED',
    });
    expect(await api.services.orm.em.fork().count(ApiToken, {})).toBe(tokensBefore);
  });

  it('binds a challenge once, only for a frame of the portal it was registered for', async () => {
    const { challenge } = await registered();
    expect((await frameAsks(challenge, { portalId: randomUUID(), userId: USER })).status).toBe(403);
    expect((await frameAsks(challenge)).status).toBe(200);
    // Another user's frame cannot take it over once bound.
    expect((await frameAsks(challenge, { portalId, userId: 7 })).status).toBe(403);
    const stored = await api.services.orm.em.fork().findOneOrFail(AppHandoff, { challenge });
    expect(stored.userId).toBe(USER);
  });

  it('refuses a frame without a valid ticket', async () => {
    const { challenge } = await registered();
    const forged = await api.fetch('/bitrix24/app/handoff', {
      method: 'POST',
      headers: { authorization: 'Bearer e30.0000', 'content-type': 'application/json' },
      body: JSON.stringify({ challenge }),
    });
    expect(forged.status).toBe(401);
    const stored = await api.services.orm.em.fork().findOneOrFail(AppHandoff, { challenge });
    expect(stored.userId).toBeNull();
  });

  it('limits registrations per address, as sign-in codes are', async () => {
    const em = api.services.orm.em.fork();
    for (let i = 0; i < HANDOFF_LIMIT.perAddress; i++)
      await api.services.handoff.begin(em, portalId, pkce().challenge, '203.0.113.9');
    await expect(api.services.handoff.begin(em, portalId, pkce().challenge, '203.0.113.9')).rejects.toThrow(
      RateLimitedError,
    );
    // Another address is not held up by it.
    await api.services.handoff.begin(em, portalId, pkce().challenge, '203.0.113.10');
    expect(await em.count(AppHandoff, { requestedFrom: '203.0.113.9' })).toBe(HANDOFF_LIMIT.perAddress);
  });
});
