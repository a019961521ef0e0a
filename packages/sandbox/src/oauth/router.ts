import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { App } from '../apps/types.ts';
import { TOKEN_ENDPOINT_FAULT_NAME } from '../faults.ts';
import { readRequestParams } from '../rest/params.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { IssuedPair } from './tokens.ts';

type Env = { Bindings: HttpBindings };

/**
 * Authorization server errors (settings/oauth/error-codes.md). The docs give no HTTP statuses; these
 * follow the official PHP SDK's handling of the server's answers (bitrix24/b24phpsdk
 * src/Core/ApiLevelErrorHandler.php `handleOAuthError`: `invalid_grant` arrives with 400,
 * `invalid_client` with 401) and RFC 6749 §5.2 for the rest.
 */
const OAUTH_ERRORS = {
  invalid_request: {
    status: 400,
    description: 'An incorrectly formatted authorization request was provided',
  },
  invalid_client: { status: 401, description: 'Invalid client data was provided' },
  invalid_grant: { status: 400, description: 'Invalid authorization data was provided' },
} as const;

type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

/**
 * `/oauth/token/` (settings/oauth/index.md step 2, auto-renewal.md): `grant_type=authorization_code`
 * with `code`, or `grant_type=refresh_token` with `refresh_token`, both with `client_id` and
 * `client_secret`; as GET query parameters (the documented form) or a form POST body (what
 * b24jssdk src/oauth/auth.ts sends). Every request is counted (`tokens.callCounters()`).
 */
export function oauthRouter(portal: SandboxRuntime): Hono<Env> {
  const app = new Hono<Env>({ strict: false });

  const refuse = (c: Context<Env>, grant: string, code: OAuthErrorCode) => {
    portal.tokens.count(grant, { error: code });
    const e = OAUTH_ERRORS[code];
    return c.json({ error: code, error_description: e.description }, e.status);
  };

  const answer = (app: App, pair: IssuedPair) => ({
    access_token: pair.access.token,
    client_endpoint: portal.clientEndpoint,
    // The authorization server's own domain ("oauth.bitrix.info"); here the sandbox itself.
    domain: portal.frameHost,
    expires: Math.floor(pair.access.expiresAt / 1000),
    expires_in: portal.tokens.lifetimes.accessSeconds,
    member_id: portal.memberId,
    refresh_token: pair.refresh.token,
    scope: app.scope.join(','),
    server_endpoint: portal.serverEndpoint,
    status: app.status,
    user_id: pair.access.userId,
  });

  app.on(['GET', 'POST'], '/oauth/token', async (c) => {
    // A slow, failing or vanishing authorization server, when a test asks for one (faults.ts).
    const fault = portal.faults.evaluate(TOKEN_ENDPOINT_FAULT_NAME, { namedOnly: true });
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.type === 'drop') {
      c.env.incoming.socket.destroy();
      return new Response(null, { status: 204 });
    }
    if (fault.type === 'error') return c.json(fault.error.toBody(), fault.error.status as 500);
    const p = await readRequestParams(c.req.raw);
    const str = (k: string) => {
      const v = p[k];
      return typeof v === 'string' ? v : undefined;
    };
    const grant = str('grant_type') ?? '';
    if (grant !== 'authorization_code' && grant !== 'refresh_token')
      return refuse(c, grant, 'invalid_request');
    const client = portal.apps.byClientId(str('client_id') ?? '');
    // "The application may not be installed in Bitrix24" (error-codes.md): an app not added is unknown.
    if (!client?.active || client.clientSecret !== str('client_secret'))
      return refuse(c, grant, 'invalid_client');
    if (grant === 'refresh_token') {
      const value = str('refresh_token');
      if (!value) return refuse(c, grant, 'invalid_request');
      const used = portal.tokens.useRefresh(client.id, value);
      if (!used) return refuse(c, grant, 'invalid_grant');
      const pair = portal.tokens.issue(client.id, used.userId);
      portal.tokens.count(grant, { userId: used.userId });
      return c.json(answer(client, pair));
    }
    const value = str('code');
    if (!value) return refuse(c, grant, 'invalid_request');
    const code = portal.tokens.useCode(client.id, value);
    if (!code) return refuse(c, grant, 'invalid_grant');
    const pair = portal.tokens.issue(client.id, code.userId);
    portal.tokens.count(grant, { userId: code.userId });
    return c.json(answer(client, pair));
  });
  return app;
}
