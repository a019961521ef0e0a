import type { MikroORM } from '@mikro-orm/core';
import { Bitrix24AuthError, Bitrix24Error } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import { AppAdmin } from './app-admin.entity.ts';
import type { AppRuntime } from './app-connection.ts';
import { APP_PATHS, APP_PLACEMENTS } from './app-paths.ts';
import { AppPortal } from './app-portal.entity.ts';
import { applicationTokenContext, type InstalledPortal, toInstalled } from './app-portals.ts';
import { AppUserToken } from './app-user-token.entity.ts';
import { checkEndpointUrl } from './oauth-server.ts';
import type { TokenCipher } from './token-cipher.ts';

/** The `auth[...]` and `data[...]` fields of ONAPPINSTALL (common/events/on-app-install.md, simple-way.md). */
export interface InstallEvent {
  memberId: string;
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  applicationToken: string;
  status: string;
  scopes: string[];
  languageId: string | null;
  accessToken: string | null;
  refreshToken: string | null;
  expiresIn: number | null;
}

export type InstallOutcome =
  | { ok: true; portalId: string; installedBy: number | null }
  | { ok: false; status: 400 | 401 | 403 | 409; error: string };

export interface InstallDeps {
  orm: MikroORM;
  cipher: TokenCipher;
  app: AppRuntime;
  logger: Logger;
  retentionDays: number;
}

const MEMBER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Reads ONAPPINSTALL's form; null names the first field that is missing or malformed. */
export function parseInstallEvent(form: URLSearchParams): InstallEvent | { invalid: string } {
  const get = (key: string) => form.get(key)?.trim() ?? '';
  const required = [
    'auth[member_id]',
    'auth[domain]',
    'auth[client_endpoint]',
    'auth[server_endpoint]',
    'auth[application_token]',
  ];
  for (const key of required) if (!get(key)) return { invalid: key };
  if (!MEMBER_ID.test(get('auth[member_id]'))) return { invalid: 'auth[member_id]' };
  for (const key of ['auth[client_endpoint]', 'auth[server_endpoint]']) {
    try {
      checkEndpointUrl(get(key), key);
    } catch {
      return { invalid: key };
    }
  }
  const expires = Number(get('auth[expires_in]'));
  return {
    memberId: get('auth[member_id]'),
    domain: get('auth[domain]'),
    clientEndpoint: get('auth[client_endpoint]'),
    serverEndpoint: get('auth[server_endpoint]'),
    applicationToken: get('auth[application_token]'),
    status: get('auth[status]').slice(0, 2) || 'L',
    scopes: get('auth[scope]')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    languageId: get('data[LANGUAGE_ID]').slice(0, 10) || null,
    accessToken: get('auth[access_token]') || null,
    refreshToken: get('auth[refresh_token]') || null,
    expiresIn: Number.isFinite(expires) && expires > 0 ? expires : null,
  };
}

/**
 * The installer frame of a local application with an interface (settings/app-installation/local-apps:
 * "Initial installation path"), opened for the installing administrator before ONAPPINSTALL exists for
 * us: its form carries everything the install event would (widget_data.md, simple-way.md), the portal's
 * address as DOMAIN + PROTOCOL. Null when it lacks the application token (an older portal): then the
 * install waits for ONAPPINSTALL.
 */
export function installEventFromFrame(form: URLSearchParams, query: URLSearchParams): InstallEvent | null {
  const domain = query.get('DOMAIN')?.trim() ?? '';
  const fields = new URLSearchParams({
    'auth[member_id]': form.get('member_id') ?? '',
    'auth[domain]': domain.replace(/:\d+$/, ''),
    'auth[client_endpoint]': `${query.get('PROTOCOL') === '0' ? 'http' : 'https'}://${domain}/rest/`,
    'auth[server_endpoint]': form.get('SERVER_ENDPOINT') ?? '',
    'auth[application_token]': form.get('APPLICATION_TOKEN') ?? '',
    'auth[status]': form.get('status') ?? '',
    'auth[scope]': form.get('APPLICATION_SCOPE') ?? '',
    'auth[access_token]': form.get('AUTH_ID') ?? '',
    'auth[refresh_token]': form.get('REFRESH_ID') ?? '',
    'auth[expires_in]': form.get('AUTH_EXPIRES') ?? '',
    'data[LANGUAGE_ID]': query.get('LANG') ?? '',
  });
  const event = parseInstallEvent(fields);
  return 'invalid' in event ? null : event;
}

/**
 * Whether an install names the one portal we may be installed on (`AppRuntime.installOrigin`): its
 * `client_endpoint` must be that origin's `/rest/` and its domain that host. Decided from the request
 * alone, so a refused install costs no outbound call: before the first install, anyone who can reach the
 * API could otherwise make it adopt a portal of their choosing by posting an install that names it.
 */
export function installOriginRefusal(expected: string | null, event: InstallEvent): string | null {
  if (!expected) return 'no portal is configured to install from (BITRIX24_PORTAL_DOMAIN)';
  const host = new URL(expected).host;
  const domain = event.domain.toLowerCase();
  const domainMatches = domain === host || domain === new URL(expected).hostname;
  if (event.clientEndpoint !== `${expected}/rest/` || !domainMatches)
    return 'the install names another portal than the configured one';
  return null;
}

/**
 * A local app's installer frame before any install event, without an application token (the documented
 * frame fields have none, widget_data.md): the portal at the frame's DOMAIN is asked `profile` with its
 * AUTH_ID (an administrator must be installing), and `event.bind` ONAPPINSTALL to our install handler
 * with that token, so that finishing the install (BX24.installFinish) sends us the event with the
 * application token and the installer's tokens (installation-finish.md: local apps bind it themselves).
 * Stores nothing: the event installs us.
 */
export async function prepareInstallFromFrame(
  app: AppRuntime,
  form: URLSearchParams,
  query: URLSearchParams,
  installUrl: string,
): Promise<{ ok: true; portalOrigin: string } | { ok: false; status: 400 | 401 | 403 | 503; error: string }> {
  const domain = query.get('DOMAIN')?.trim() ?? '';
  const authId = form.get('AUTH_ID')?.trim() ?? '';
  let endpoint: URL;
  try {
    endpoint = checkEndpointUrl(
      `${query.get('PROTOCOL') === '0' ? 'http' : 'https'}://${domain}/rest/`,
      'the portal address',
    );
  } catch {
    return { ok: false, status: 400, error: 'not an installer frame (DOMAIN)' };
  }
  // The same rule as the event's, before any outbound call: only the configured portal.
  const expected = app.installOrigin();
  if (!expected || endpoint.origin !== expected)
    return {
      ok: false,
      status: 403,
      error: 'the installer frame names another portal than the configured one',
    };
  if (!authId || !MEMBER_ID.test(form.get('member_id') ?? ''))
    return { ok: false, status: 400, error: 'not an installer frame (AUTH_ID, member_id)' };
  const probe = app.probe(endpoint.toString(), authId);
  try {
    const profile = await probe.call('profile');
    if (profile.ADMIN !== true)
      return { ok: false, status: 401, error: 'only an administrator installs the application' };
    const events = (await probe.request('event.get')).result as { event?: string; handler?: string }[];
    if (!(events ?? []).some((e) => e.event?.toUpperCase() === 'ONAPPINSTALL' && e.handler === installUrl))
      await probe.request('event.bind', { event: 'ONAPPINSTALL', handler: installUrl });
  } catch (error) {
    if (error instanceof Bitrix24AuthError)
      return { ok: false, status: 401, error: "the portal refused the installer frame's token" };
    if (error instanceof Bitrix24Error)
      return { ok: false, status: 503, error: 'the portal could not be asked to finish the install' };
    throw error;
  }
  return { ok: true, portalOrigin: endpoint.origin };
}

/**
 * ONAPPINSTALL. Only from the configured portal (`installOriginRefusal`: 403, nothing asked, nothing
 * stored), and only with the installer's token of our own application (`app.info` CODE, 403 otherwise).
 * A portal already installed here accepts it only with the application token it has (a repeated
 * delivery), so a forged install cannot replace it: 401, nothing stored. A first install (or one after an
 * uninstall) stores the portal, its application token (encrypted) and the installer's tokens; the
 * installer is asked `profile` with their own token, which also proves the token works on that portal.
 * One installation serves one portal: another `member_id` while one is installed is 409.
 */
export async function install(deps: InstallDeps, event: InstallEvent): Promise<InstallOutcome> {
  const refusal = installOriginRefusal(deps.app.installOrigin(), event);
  if (refusal) {
    deps.logger.warn({ domain: event.domain.slice(0, 255) }, `install refused: ${refusal}`);
    return { ok: false, status: 403, error: refusal };
  }
  // Nothing else proves the install is the portal's own: ONAPPINSTALL always carries the installer's tokens.
  if (!event.accessToken)
    return { ok: false, status: 403, error: "the install carries no installing user's token" };
  const em = deps.orm.em.fork();
  const existing = await em.findOne(AppPortal, { memberId: event.memberId });
  if (existing?.state === 'installed') {
    if (!deps.app.portals.tokenMatches(existing, event.applicationToken))
      return { ok: false, status: 401, error: 'unknown application token' };
  } else {
    const other = await em.findOne(AppPortal, { state: 'installed', memberId: { $ne: event.memberId } });
    if (other) return { ok: false, status: 409, error: 'another portal is installed; uninstall it first' };
  }
  // The installer's identity from the portal itself (the event names no user reliably).
  let installedBy: number | null = null;
  let admin = false;
  const probe = deps.app.probe(event.clientEndpoint, event.accessToken);
  try {
    const profile = await probe.call('profile');
    installedBy = Number(profile.ID) || null;
    admin = profile.ADMIN === true;
  } catch (error) {
    if (!(error instanceof Bitrix24Error)) throw error;
    return { ok: false, status: 401, error: "the portal refused the installing user's token" };
  }
  // The token must be one the portal issued to our application: a token of any other application on the
  // same portal answers `profile` too.
  const expectedCode = deps.app.appCode();
  let code: string | null = null;
  try {
    code = String((await probe.call('app.info')).CODE ?? '');
  } catch (error) {
    if (!(error instanceof Bitrix24Error)) throw error;
  }
  if (!expectedCode || code !== expectedCode)
    return { ok: false, status: 403, error: 'the tokens belong to another application' };
  if (existing?.state === 'installed') return repeatedInstall(deps, existing, event, installedBy, admin);
  const now = new Date(deps.app.now());
  const row =
    existing ??
    em.create(AppPortal, {
      memberId: event.memberId,
      domain: event.domain,
      clientEndpoint: event.clientEndpoint,
      serverEndpoint: event.serverEndpoint,
      applicationTokenEnc: '',
      appStatus: event.status,
      state: 'installed',
      installedAt: now,
    });
  em.assign(row, {
    domain: event.domain,
    clientEndpoint: event.clientEndpoint,
    serverEndpoint: event.serverEndpoint,
    applicationTokenEnc: deps.cipher.encrypt(event.applicationToken, applicationTokenContext(row.id)),
    appStatus: event.status,
    scopes: event.scopes,
    languageId: event.languageId,
    state: 'installed',
    installedBy: installedBy ?? row.installedBy ?? null,
    installedAt: now,
    uninstalledAt: null,
    purgeAfter: null,
  });
  await em.flush();
  deps.app.portals.forget();
  const portal = toInstalled(row);
  if (installedBy) {
    await deps.app.tokens.save(portal, installedBy, {
      accessToken: event.accessToken,
      refreshToken: event.refreshToken,
      expiresIn: event.expiresIn,
    });
    await deps.app.admins.record(portal.id, installedBy, admin);
  }
  deps.logger.info({ memberId: event.memberId, domain: event.domain, installedBy }, 'application installed');
  return { ok: true, portalId: row.id, installedBy };
}

/**
 * ONAPPINSTALL for a portal already installed. The application token it must carry is not secret from
 * employees (frames and our pages carry it) and the rest is their own frame's AUTH_ID/REFRESH_ID, so a
 * replay proves only that its sender is some user of the portal. It therefore never changes the portal
 * row (domain, endpoints, scopes, installer stay as the first install stored them; a real change comes
 * with an uninstall and a new install). It may only hand over fresh tokens of the stored installer, when
 * `profile` with them says that user and ADMIN true. Anything else is answered 200 without effect rather
 * than 409: the portal may deliver an event twice, and an error answer would only tell a replaying
 * employee which of their attempts got further. `installedBy` null tells the route to bind nothing.
 */
async function repeatedInstall(
  deps: InstallDeps,
  row: AppPortal,
  event: InstallEvent,
  userId: number | null,
  admin: boolean,
): Promise<InstallOutcome> {
  if (!userId || !admin || userId !== row.installedBy || !event.accessToken) {
    deps.logger.warn(
      { memberId: event.memberId, userId, admin },
      'a repeated install event for an installed portal changed nothing',
    );
    return { ok: true, portalId: row.id, installedBy: null };
  }
  const portal = toInstalled(row);
  await deps.app.tokens.save(portal, userId, {
    accessToken: event.accessToken,
    refreshToken: event.refreshToken,
    expiresIn: event.expiresIn,
  });
  await deps.app.admins.record(portal.id, userId, admin);
  deps.logger.info({ memberId: event.memberId, installedBy: userId }, "the installer's tokens were renewed");
  return { ok: true, portalId: row.id, installedBy: userId };
}

/**
 * After the install answered: binds our placements and the uninstall event with the installer's token
 * (placement.bind and event.bind need an application context and an administrator, placement-bind.md).
 * Each is asked once (`placement.get` / `event.get` first), so a repeated install binds nothing twice.
 */
export async function bindHandlers(
  app: AppRuntime,
  publicUrl: string,
  userId: number,
  logger: Logger,
): Promise<void> {
  const client = app.clientOf(userId);
  const handler = (path: string) => new URL(path, publicUrl).toString();
  try {
    const bound = (await client.request('placement.get')).result as
      | { placement?: string; handler?: string }[]
      | undefined;
    const has = (placement: string, url: string) =>
      (bound ?? []).some((b) => b.placement === placement && b.handler === url);
    for (const { placement, path, title } of APP_PLACEMENTS) {
      if (has(placement, handler(path))) continue;
      await client.request('placement.bind', {
        PLACEMENT: placement,
        HANDLER: handler(path),
        TITLE: title,
        // Required for the background worker: where the portal says it switched the handler off.
        ...(placement === 'PAGE_BACKGROUND_WORKER'
          ? { OPTIONS: { errorHandlerUrl: handler(APP_PATHS.backgroundDisabled) } }
          : {}),
      });
    }
    const events = (await client.request('event.get')).result as
      | { event?: string; handler?: string }[]
      | undefined;
    const uninstallUrl = handler(APP_PATHS.events);
    if (
      !(events ?? []).some((e) => e.event?.toUpperCase() === 'ONAPPUNINSTALL' && e.handler === uninstallUrl)
    )
      await client.request('event.bind', { event: 'ONAPPUNINSTALL', handler: uninstallUrl });
  } catch (error) {
    if (!(error instanceof Bitrix24Error)) throw error;
    logger.warn(
      { code: error.code, method: error.method },
      "could not bind the application's placements and events",
    );
  }
}

/**
 * ONAPPUNINSTALL (no tokens, common/events/on-app-uninstall.md): checked against the stored application
 * token (wrong: 401, nothing changes), then **confirmed with the portal**, because the application token
 * alone proves little: a frame's fields and our own pages are in employees' browsers, and one leaked
 * token must not let anyone delete every user's token while the app is still installed. After a real
 * uninstall "all access permissions for the application to the API are revoked" (on-app-uninstall.md):
 * `app.info` with a token we hold then fails with `invalid_token` / `APPLICATION_NOT_FOUND`, or its
 * refresh with `invalid_grant` / `invalid_client`. Any token that still works means the app is installed:
 * 409, nothing changes; so does having no token to ask with, and an unreachable portal (503). Confirmed:
 * deletes every user token of the portal at once and marks it uninstalled, to be purged after the
 * retention (APP_UNINSTALL_RETENTION_DAYS).
 */
export async function uninstall(
  deps: InstallDeps,
  memberId: string,
  applicationToken: string,
): Promise<{ ok: true; deletedTokens: number } | { ok: false; status: 401 | 409 | 503; error: string }> {
  const em = deps.orm.em.fork();
  const row = await em.findOne(AppPortal, { memberId, state: 'installed' });
  if (!row || !deps.app.portals.tokenMatches(row, applicationToken))
    return { ok: false, status: 401, error: 'unknown application token' };
  const confirmed = await confirmUninstalled(deps.app, toInstalled(row));
  if (confirmed !== 'gone') {
    deps.logger.warn(
      { memberId, answer: confirmed },
      'an uninstall event the portal did not confirm was refused',
    );
    return confirmed === 'installed'
      ? { ok: false, status: 409, error: 'the portal says the application is still installed' }
      : confirmed === 'no-token'
        ? { ok: false, status: 409, error: 'no token to confirm the uninstall with the portal' }
        : { ok: false, status: 503, error: 'the portal could not confirm the uninstall; try again' };
  }
  const now = new Date(deps.app.now());
  const deletedTokens = await deps.app.tokens.deleteAll(row.id);
  em.assign(row, {
    state: 'uninstalled',
    uninstalledAt: now,
    purgeAfter: new Date(now.getTime() + deps.retentionDays * 86_400_000),
  });
  await em.flush();
  deps.app.portals.forget();
  deps.app.tokens.forget();
  deps.app.admins.forget();
  deps.logger.info({ memberId, deletedTokens }, 'application uninstalled; tokens deleted');
  return { ok: true, deletedTokens };
}

/** How the platform answers a token of an application it removed (sandbox and oauthexception.php). */
const GONE_CODES = new Set(['invalid_token', 'APPLICATION_NOT_FOUND', 'invalid_grant', 'invalid_client']);
/** Tokens tried before an uninstall counts as confirmed (each must fail the way an uninstall does). */
const CONFIRM_WITH = 3;

/**
 * Asks the portal with up to three stored tokens (the installer's first) whether the app is still there.
 * `gone` only when every token tried fails the way the platform fails for a removed application.
 */
export async function confirmUninstalled(
  app: AppRuntime,
  portal: InstalledPortal,
): Promise<'gone' | 'installed' | 'no-token' | 'unreachable'> {
  const usable = await app.tokens.usableUserIds(portal.id);
  const ordered = [
    ...(portal.installedBy && usable.includes(portal.installedBy) ? [portal.installedBy] : []),
    ...usable.filter((id) => id !== portal.installedBy),
  ].slice(0, CONFIRM_WITH);
  if (ordered.length === 0) return 'no-token';
  for (const userId of ordered) {
    try {
      await app.clientOf(userId).request('app.info');
      return 'installed';
    } catch (error) {
      if (error instanceof Bitrix24AuthError && GONE_CODES.has(error.code)) continue;
      if (error instanceof Bitrix24Error) return 'unreachable';
      throw error;
    }
  }
  return 'gone';
}

/**
 * The purge job: portals uninstalled longer than the retention lose what we kept of them here (the
 * portal row with its encrypted application token, the administrators seen, any token left). Returns the
 * member ids purged.
 */
export async function purgeUninstalled(orm: MikroORM, now: Date): Promise<string[]> {
  const em = orm.em.fork();
  const due = await em.find(AppPortal, { state: 'uninstalled', purgeAfter: { $lte: now } });
  const purged: string[] = [];
  for (const row of due) {
    await em.transactional(async (tx) => {
      await tx.nativeDelete(AppUserToken, { portalId: row.id });
      await tx.nativeDelete(AppAdmin, { portalId: row.id });
      await tx.nativeDelete(AppPortal, { id: row.id });
    });
    purged.push(row.memberId);
  }
  return purged;
}
