import type { FrameForm } from '../apps/frames.ts';
import type { User } from '../state/types.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { jsonForScript } from './scripts.ts';

/**
 * One application frame as modules/rest/install/components/bitrix/app.layout/templates/.default/
 * template.php renders it: `form[name=appform_{SID}]` posting to the handler (query DOMAIN,
 * PROTOCOL, LANG, APP_SID) into the iframe it targets, hidden inputs with the frame's fields,
 * `div#appframe_layout_{SID}.app-frame-layout` around `iframe#appframe_{SID}.app-frame` whose `name`
 * is `host|protocol|APP_SID` (what BX24 and b24jssdk's `initializeB24Frame` read from
 * `window.name`), and the parent's AppLayout registration (`app-layout-script.ts`).
 * A hidden frame (PAGE_BACKGROUND_WORKER) sits in a `display:none` container.
 */
export function frameMarkup(form: FrameForm, o: { hidden: boolean }): SafeHtml {
  const sid = form.appSid;
  const isDefault = form.placement === 'DEFAULT';
  const inputs = Object.entries(form.fields).map(
    ([k, v]) => html`\t<input type="hidden" name="${k}" value="${v}" />\n`,
  );
  const body = html`<form name="appform_${sid}" action="${form.action}" method="POST" target="${form.frameName}">
${inputs}</form>
<div id="appframe_layout_${sid}" class="app-frame-layout${isDefault ? ' app-frame-layout-default' : ''}" data-placement="${form.placement}" data-app-id="${form.app.id}">
<iframe id="appframe_${sid}" name="${form.frameName}" frameborder="0" class="app-frame app-loading" allow="geolocation *; microphone *; camera *; autoplay *;"></iframe>
<div id="appframe_loading_${sid}" class="app-loading-msg">Loading ${form.app.name}…</div>
</div>`;
  return o.hidden
    ? html`<div class="app-frame-hidden" data-placement="${form.placement}" style="display:none">${body}</div>`
    : body;
}

/** The registration call of template.php (`BX.rest.AppLayout.set(...)`) for the parent script. */
export function frameRegistration(form: FrameForm, user: User, firstRun: boolean): SafeHtml {
  const handlerOrigin = new URL(form.action).origin;
  const params = {
    sid: form.appSid,
    appId: form.app.id,
    appOrigin: handlerOrigin,
    placement: form.placement,
    firstRun,
    install: form.install,
    isAdmin: user.isAdmin,
    authId: form.fields.AUTH_ID ?? '',
    authExpires: form.fields.AUTH_EXPIRES ?? '',
    refreshId: form.fields.REFRESH_ID ?? '',
    memberId: form.fields.member_id ?? '',
    proto: form.frameName.split('|')[1] === '1' ? 1 : 0,
    placementOptions: form.fields.PLACEMENT_OPTIONS ? JSON.parse(form.fields.PLACEMENT_OPTIONS) : {},
    // template.php: a placement frame may not retitle, scroll or reload the page.
    deny: form.placement === 'DEFAULT' ? [] : ['setTitle', 'setScroll', 'reloadWindow'],
  };
  return html`<script>window.SandboxAppLayout&&window.SandboxAppLayout.set(${raw(jsonForScript(params))});</script>`;
}
