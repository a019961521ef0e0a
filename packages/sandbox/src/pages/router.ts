import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { html } from './html.ts';

/**
 * HTML pages over the same state. A placeholder for now: later pages (profile, Live Feed,
 * messenger, admin user list) copy Bitrix24's markup and live beside this index, one module each.
 */
export function pagesRouter(portal: SandboxRuntime): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>({ strict: false });
  app.get('/', (c) => {
    const users = [...portal.state.users.values()];
    const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${portal.state.name}</title></head>
<body>
<h1>${portal.state.name}</h1>
<p>${portal.domain}</p>
<ul class="users">
${users.map((u) => html`<li data-user-id="${u.ID}">${fullName(u)}${u.ACTIVE ? '' : ' (dismissed)'}${u.isAdmin ? ' (administrator)' : ''}</li>\n`)}
</ul>
</body></html>`;
    return c.html(page.value);
  });
  return app;
}
