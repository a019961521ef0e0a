import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_PATHS } from '../../src/modules/app/app-paths.ts';
import { addressKey } from '../../src/modules/app/background-frames.ts';
import { NotAdministratorError } from '../../src/modules/dsr/erasure/errors.ts';
import { computeErasurePlan } from '../../src/modules/dsr/handlers/index.ts';
import { type AppApi, startAppApi } from './app-api.ts';

const me = '{ me { userId roles } }';

describe('a local application with an installer page', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi();
  });
  afterEach(() => app.close());

  it('is installed from the installer frame, which finishes the install the way BX24 does', async () => {
    const portal = app.api.portal;
    const registered = portal.apps.register({
      name: 'b24-gdpr',
      handlerUrl: `${app.base}${APP_PATHS.page}`,
      installUrl: `${app.base}${APP_PATHS.install}`,
    });
    app.app.credentials.current = { clientId: registered.clientId, clientSecret: registered.clientSecret };
    portal.apps.install(registered.id);
    expect(portal.apps.get(registered.id)?.installed).toBe(false);

    // The administrator opens the app: the portal shows our installer in a frame.
    const frame = await portal.apps.openFrame(registered.id, { userId: 1 });
    expect(frame.status).toBe(200);
    expect(frame.body).toContain(`setInstallFinish:`);
    expect(frame.body).toContain(
      `:${frame.fields.APP_SID ?? new URL(frame.url).searchParams.get('APP_SID')}`,
    );
    // The frame carries no application token (widget_data.md): the installer bound ONAPPINSTALL with
    // the frame's token instead, and the finished install delivers it.
    expect(frame.fields.APPLICATION_TOKEN).toBeUndefined();
    // The installer's script is what the parent page acts on; headless, the sandbox does the same.
    portal.apps.finishInstall(registered.id);
    expect(portal.apps.get(registered.id)?.installed).toBe(true);
    await portal.events.flush();
    await app.app.lastBind;

    expect(await app.api.services.portal.credentialStatus(1)).toEqual({ state: 'usable' });
    const placements = portal.apps
      .placements(registered.id)
      .map((p) => p.placement)
      .sort();
    expect(placements).toEqual(['PAGE_BACKGROUND_WORKER', 'USER_PROFILE_MENU', 'USER_PROFILE_TOOLBAR']);
  });
});

describe('administrator rights from the platform', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi();
    await app.install();
  });
  afterEach(() => app.close());

  it('a user made admin gets the role on next use; demoted, loses it within the re-check time', async () => {
    const employee = 7;
    app.api.portal.setAdmin(employee, false);
    await app.backgroundFrame(employee);
    const token = await app.api.tokenFor(employee);
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE']);

    app.api.portal.setAdmin(employee, true);
    app.clock.ms += 61_000;
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE', 'ADMIN']);

    app.api.portal.setAdmin(employee, false);
    // Within the minute the last answer stands; past it, the portal is asked again.
    app.clock.ms += 30_000;
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE', 'ADMIN']);
    app.clock.ms += 31_000;
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE']);

    // The table of administrators seen keeps them, with the last answer.
    const seen = await app.api.gql(
      '{ administratorsSeen { ... on QueryAdministratorsSeenConnection { edges { node { userId admin } } } } }',
      {},
      { token: await app.api.tokenFor(1) },
    );
    expect(seen.data?.administratorsSeen.edges.map((e: { node: unknown }) => e.node)).toEqual([
      // User 1 was confirmed by this very request; the employee's last yes is older.
      { userId: 1, admin: true },
      { userId: employee, admin: false },
    ]);
  });

  it('a user made admin in the portal gets the admin role on their very next call, without waiting', async () => {
    const employee = 6;
    app.api.portal.setAdmin(employee, false);
    await app.backgroundFrame(employee);
    const token = await app.api.tokenFor(employee);
    // The frame's answer is cached: not an administrator.
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE']);
    const seen = '{ administratorsSeen { __typename } }';

    // Promoted in the portal; the cached "no" is only seconds old. The `me` above spent this user's
    // recheck for the next 5 s (it asks too), so this call comes just after that.
    app.api.portal.setAdmin(employee, true);
    app.clock.ms += 5_000;
    const allowed = await app.api.gql(seen, {}, { token });
    expect(allowed.errors).toBeUndefined();
    expect((await app.app.admins.seen()).find((a) => a.userId === employee)?.admin).toBe(true);
    // A refused call asks again at most every few seconds: demoted at once, the next one is refused
    // on the cached "yes" only until the minute is over (tested above), never on a fresh "no" early.
    app.api.portal.setAdmin(employee, false);
    app.clock.ms += 61_000;
    expect((await app.api.gql(seen, {}, { token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('me.roles of a user just made admin in the portal says ADMIN on their next call', async () => {
    const employee = 5;
    app.api.portal.setAdmin(employee, false);
    await app.backgroundFrame(employee);
    const token = await app.api.tokenFor(employee);
    // The frame's "no" is cached for a minute; the clock does not move.
    app.api.portal.setAdmin(employee, true);
    expect((await app.api.gql(me, {}, { token })).data?.me.roles).toEqual(['EMPLOYEE', 'ADMIN']);
    expect((await app.app.admins.seen()).find((a) => a.userId === employee)?.admin).toBe(true);
  });

  it('the administrator connection leaves a demoted installer for another administrator seen', async () => {
    app.api.portal.setAdmin(9, true);
    await app.backgroundFrame(9);
    app.api.portal.setAdmin(1, false);
    app.clock.ms += 61_000;
    // The installer's token still works, but no longer as an administrator's.
    const me = await app.api.services.portal.client.call('profile');
    expect(Number(me.ID)).toBe(9);
    expect(await app.api.services.portal.client.call('user.admin')).toBe(true);

    // Nobody left: the refusal says why in application mode's terms.
    app.api.portal.setAdmin(9, false);
    app.clock.ms += 61_000;
    const failure = await computeErasurePlan(app.api.services.portal, 5).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotAdministratorError);
    expect((failure as Error).message).toContain('no administrator of');
    expect((failure as Error).message).not.toContain('webhook');
  });

  it('an erasure refused in the moments after the administrator was demoted says why in app terms', async () => {
    // Our "yes" for the installer is fresh; the portal demotes them and the clock does not move.
    app.api.portal.setAdmin(1, false);
    const failure = await computeErasurePlan(app.api.services.portal, 5).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotAdministratorError);
    expect((failure as Error).message).toContain('is no longer one there');
    expect((failure as Error).message).not.toContain('webhook');
  });

  it('a frame tells who the user is and whether they administer the portal, and stores their token', async () => {
    const employee = 9;
    app.api.portal.setAdmin(employee, true);
    await app.backgroundFrame(employee);
    expect(await app.api.services.portal.credentialStatus(employee)).toEqual({ state: 'usable' });
    const seen = await app.app.admins.seen();
    expect(seen.find((a) => a.userId === employee)?.admin).toBe(true);
  });
});

describe('background-worker frames', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi({ APP_BACKGROUND_VERIFY_PER_MINUTE: '2' });
    await app.install();
  });
  afterEach(() => app.close());

  it('may be framed by the installed portal (frame-ancestors its origin)', async () => {
    const portal = app.api.portal;
    const real = await portal.apps.openFrame(app.registered().id, {
      userId: 4,
      placement: 'PAGE_BACKGROUND_WORKER',
    });
    const again = await fetch(real.url, form(real.fields));
    expect(again.status).toBe(200);
    expect(again.headers.get('content-security-policy')).toContain(
      `frame-ancestors ${new URL(portal.url).origin}`,
    );
  });

  it('refuse junk frames before they cost a portal call, so real users\u2019 tokens are still taken', async () => {
    const portal = app.api.portal;
    const memberId = (await app.app.portals.current())!.memberId;
    const action = `${app.base}${APP_PATHS.background}?DOMAIN=${new URL(portal.url).host}&PROTOCOL=0&LANG=en`;
    for (let n = 0; n < 20; n++) {
      const junk = await fetch(
        action,
        form({ AUTH_ID: `junk${n}`, member_id: memberId, PLACEMENT: 'PAGE_BACKGROUND_WORKER' }),
      );
      expect(junk.status).toBe(401);
    }
    // Well-formed but made up, yet from another portal's address: refused too.
    const elsewhere = await fetch(
      action.replace(/DOMAIN=[^&]+/, 'DOMAIN=evil.example'),
      form({ AUTH_ID: randomHex(), member_id: memberId, PLACEMENT: 'PAGE_BACKGROUND_WORKER' }),
    );
    expect(elsewhere.status).toBe(401);
    await app.app.background?.settled();
    for (const user of [3, 4]) expect((await app.backgroundFrame(user)).status).toBe(200);
    const status = (id: number) => app.api.services.portal.credentialStatus(id).then((s) => s.state);
    expect([await status(3), await status(4)]).toEqual(['usable', 'usable']);
  });

  it('answer every frame at once and spend at most the budget of portal calls a minute on new tokens', async () => {
    for (const user of [3, 4, 5]) expect((await app.backgroundFrame(user)).status).toBe(200);
    const status = (id: number) => app.api.services.portal.credentialStatus(id).then((s) => s.state);
    expect([await status(3), await status(4), await status(5)]).toEqual(['usable', 'usable', 'missing']);

    // A later page of the same user, in a later minute, hands the token over.
    app.clock.ms += 61_000;
    await app.backgroundFrame(5);
    expect(await status(5)).toBe('usable');
  });
});

describe('background-worker frames from one sender', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi({
      APP_BACKGROUND_VERIFY_PER_MINUTE: '3',
      APP_BACKGROUND_VERIFY_PER_ADDRESS_PER_MINUTE: '2',
    });
    await app.install();
  });
  afterEach(() => app.close());

  it('spend at most one address\u2019s share of the minute\u2019s budget', async () => {
    const portal = app.api.portal;
    const memberId = (await app.app.portals.current())!.memberId;
    const action = `${app.base}${APP_PATHS.background}?DOMAIN=${new URL(portal.url).host}&PROTOCOL=0&LANG=en`;
    // Well-formed, made-up tokens from another loopback address: each would cost a `profile` call.
    for (let n = 0; n < 10; n++)
      expect(
        await postFrom('127.0.0.2', action, {
          AUTH_ID: randomHex(),
          member_id: memberId,
          PLACEMENT: 'PAGE_BACKGROUND_WORKER',
        }),
      ).toBe(200);
    await app.app.background?.settled();
    // A real employee's browser (the sandbox posts from 127.0.0.1) still gets its token taken.
    await app.backgroundFrame(3);
    expect(await app.api.services.portal.credentialStatus(3)).toEqual({ state: 'usable' });
  });
});

describe('background-worker frames from a few senders of junk', () => {
  let app: AppApi;
  beforeEach(async () => {
    // The defaults: 30 verifications a minute, 10 per address.
    app = await startAppApi();
    await app.install();
  });
  afterEach(() => app.close());

  it('put an address whose token the portal refused out, so four of them cannot starve a real user', async () => {
    const portal = app.api.portal;
    const memberId = (await app.app.portals.current())!.memberId;
    const action = `${app.base}${APP_PATHS.background}?DOMAIN=${new URL(portal.url).host}&PROTOCOL=0&LANG=en`;
    for (const sender of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'])
      for (let n = 0; n < 10; n++)
        expect(
          await postFrom(sender, action, {
            AUTH_ID: randomHex(),
            member_id: memberId,
            PLACEMENT: 'PAGE_BACKGROUND_WORKER',
          }),
        ).toBe(200);
    await app.app.background?.settled();
    // Still within the same minute (the clock does not move): a real employee's frame is verified.
    await app.backgroundFrame(3);
    expect(await app.api.services.portal.credentialStatus(3)).toEqual({ state: 'usable' });
  });

  it('count an IPv6 sender by its /64', () => {
    expect(addressKey('2001:db8:1:2::5')).toBe(addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:3::5')).not.toBe(addressKey('2001:db8:1:2::5'));
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
  });
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const randomHex = () => randomBytes(32).toString('hex');

/** A form POST from another local address (fetch cannot choose its source address). */
function postFrom(localAddress: string, url: string, fields: Record<string, string>): Promise<number> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
