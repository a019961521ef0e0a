import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_PATHS } from '../../src/modules/app/app-paths.ts';
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
    // The installer's script is what the parent page acts on; headless, the sandbox does the same.
    portal.apps.finishInstall(registered.id);
    expect(portal.apps.get(registered.id)?.installed).toBe(true);

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
