import { createHash, randomBytes } from 'node:crypto';
import type { SandboxRuntime } from '../runtime.ts';
import type { App, FrameResult, Placement } from './types.ts';

/** What the portal posts to an app's handler when it shows a frame. */
export interface FrameForm {
  app: App;
  /** The handler URL with the query string (DOMAIN, PROTOCOL, LANG, APP_SID). */
  action: string;
  fields: Record<string, string>;
  appSid: string;
  placement: string;
  /** true while the admin sees the installer (getInitData's INSTALL). */
  install: boolean;
  /** The iframe's `name`: `host|protocol|APP_SID`, what BX24 / b24jssdk read from `window.name`. */
  frameName: string;
}

export type FrameRefusal = { refused: string };

/**
 * `APP_SID`: "Bitrix24 generates a new one each time the widget is rendered" (widgets/_includes/
 * widget_data.md); app.layout's component.php makes it `md5(uniqid(rand(), true))`.
 */
function newAppSid(): string {
  return createHash('md5').update(randomBytes(16)).digest('hex');
}

/**
 * The form of modules/rest/install/components/bitrix/app.layout/templates/.default/template.php with
 * the fields the current docs list (settings/oauth/simple-way.md, api-reference/widgets/_includes/
 * widget_data.md): query `DOMAIN`, `PROTOCOL`, `LANG`, `APP_SID`; body `AUTH_ID`, `AUTH_EXPIRES`,
 * `REFRESH_ID`, `member_id`, `status`, `PLACEMENT` and, when there are any, `PLACEMENT_OPTIONS` as a
 * JSON string (widget_data.md: with a `URI` key, the page the widget was opened from); also
 * `SERVER_ENDPOINT` and `APPLICATION_SCOPE` (*unconfirmed*: in neither list). No `APPLICATION_TOKEN`:
 * neither list has it, and a frame's form is readable by the employee whose page it is on, so the
 * application token must not be in it (events are what it authenticates). Each frame gets a fresh token pair for the viewer,
 * as the component asks the auth provider on every render.
 *
 * The app page (`DEFAULT`) of an app not installed yet shows its installer to administrators and
 * "The application is not fully installed yet" to others (installation-finish.md).
 */
export function buildFrame(
  portal: SandboxRuntime,
  app: App,
  userId: number,
  where: { placement: Placement } | { placement: 'DEFAULT' },
  placementOptions: Record<string, unknown>,
): FrameForm | FrameRefusal {
  const user = portal.state.user(userId);
  if (!user?.ACTIVE) return { refused: 'The user cannot sign in.' };
  if (!app.active) return { refused: 'The application was not found.' };
  let handler: string;
  let install = false;
  if (where.placement === 'DEFAULT') {
    if (app.installed) handler = app.handlerUrl;
    else if (user.isAdmin && app.installUrl !== '') {
      handler = app.installUrl;
      install = true;
    } else
      return {
        refused:
          'The application is not fully installed yet. Please contact your Bitrix24 administrator to complete the installation.',
      };
  } else {
    if (!app.installed) return { refused: 'The application is not installed.' };
    handler = where.placement.handler;
  }
  const code = where.placement === 'DEFAULT' ? 'DEFAULT' : where.placement.placement;
  const appSid = newAppSid();
  const secure = portal.baseUrl.startsWith('https:') ? 1 : 0;
  const q = new URLSearchParams({
    DOMAIN: portal.frameHost,
    PROTOCOL: String(secure),
    LANG: 'en',
    APP_SID: appSid,
  });
  const action = `${handler}${handler.includes('?') ? '&' : '?'}${q}`;
  const pair = portal.tokens.issue(app.id, userId);
  const fields: Record<string, string> = {
    AUTH_ID: pair.access.token,
    AUTH_EXPIRES: String(portal.tokens.lifetimes.accessSeconds),
    REFRESH_ID: pair.refresh.token,
    SERVER_ENDPOINT: portal.serverEndpoint,
    APPLICATION_SCOPE: app.scope.join(','),
    member_id: portal.memberId,
    status: app.status,
    PLACEMENT: code,
  };
  if (Object.keys(placementOptions).length > 0) fields.PLACEMENT_OPTIONS = JSON.stringify(placementOptions);
  return {
    app,
    action,
    fields,
    appSid,
    placement: code,
    install,
    frameName: `${portal.frameHost}|${secure}|${appSid}`,
  };
}

/** The hidden frame's PLACEMENT_OPTIONS (universal/background-worker.md): `ID` and `URI`. */
export function backgroundOptions(uri: string): Record<string, string> {
  return { ID: 'PAGE_BACKGROUND_WORKER', URI: uri };
}

/** How long the handler has (background-worker.md: "longer than five seconds"). */
export const FRAME_BUDGET_MS = 5_000;

/**
 * Loads a frame the way the browser does, without one: POSTs the form to the handler and reads the
 * answer. A test control, for API tests that need "user N opened a page" without Chromium.
 */
export async function postFrame(form: FrameForm, timeoutMs = 30_000): Promise<FrameResult> {
  const t0 = performance.now();
  const result: FrameResult = {
    url: form.action,
    fields: form.fields,
    status: null,
    error: null,
    body: '',
    durationMs: 0,
  };
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.fields).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    result.status = res.status;
    result.body = await res.text();
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  result.durationMs = performance.now() - t0;
  return result;
}
