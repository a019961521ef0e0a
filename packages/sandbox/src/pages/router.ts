import { Hono } from 'hono';
import type { SandboxRuntime } from '../runtime.ts';
import { registerApps } from './apps.ts';
import { registerAuth } from './auth.ts';
import type { PageEnv } from './context.ts';
import { registerLiveFeed } from './live-feed.ts';
import { registerMessenger } from './messenger.ts';
import { registerOAuthAuthorize } from './oauth-authorize.ts';
import { registerProfile } from './profile.ts';
import { registerUserAdmin } from './user-admin.ts';

/**
 * The portal's HTML pages over the same state, copying Bitrix24's markup where content scripts read
 * it (the selectors are listed in the package README). One module per page; `layout.ts` holds the
 * `BX` global and the header, `sessions.ts` the cookie sessions.
 */
export function pagesRouter(portal: SandboxRuntime): Hono<PageEnv> {
  const app = new Hono<PageEnv>({ strict: false });
  registerAuth(app, portal);
  registerLiveFeed(app, portal);
  registerProfile(app, portal);
  registerMessenger(app, portal);
  registerUserAdmin(app, portal);
  registerApps(app, portal);
  registerOAuthAuthorize(app, portal);
  return app;
}
