import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { type Answer, type Receiver, startPortal, startReceiver } from './helpers.ts';

/** Calls a method at the application form `/rest/{method}` with `auth` in the JSON body. */
export async function callApp(
  portal: SandboxPortal,
  method: string,
  auth: string | null,
  params: Record<string, unknown> = {},
): Promise<Answer> {
  const res = await fetch(`${portal.url}/rest/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(auth === null ? params : { ...params, auth }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

export interface TokenAnswer {
  status: number;
  body: Record<string, string | number>;
}

/** `/oauth/token/` with GET query parameters, the documented form (settings/oauth/auto-renewal.md). */
export async function token(portal: SandboxPortal, params: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`${portal.oauthTokenUrl}?${new URLSearchParams(params)}`);
  return { status: res.status, body: (await res.json()) as TokenAnswer['body'] };
}

/** The form bodies a receiver got for one event. */
export function bodiesOf(receiver: Receiver, event: string): URLSearchParams[] {
  return receiver.received.filter((r) => r.body.get('event') === event).map((r) => r.body);
}

/** An API-only app whose installation callback is the receiver; installed by user 1. */
export async function installedApiApp(portal: SandboxPortal, receiver: Receiver, scope?: string[]) {
  const app = portal.apps.register({
    handlerUrl: `${receiver.url}/page`,
    installUrl: `${receiver.url}/install`,
    apiOnly: true,
    ...(scope ? { scope } : {}),
  });
  portal.apps.install(app.id);
  await portal.events.flush();
  const install = bodiesOf(receiver, 'ONAPPINSTALL').at(-1);
  if (!install) throw new Error('no ONAPPINSTALL');
  return {
    app,
    accessToken: install.get('auth[access_token]') ?? '',
    refreshToken: install.get('auth[refresh_token]') ?? '',
  };
}

/** A portal and an event receiver for the file, the receiver emptied before each test. */
export function appTestbed(): { readonly portal: SandboxPortal; readonly receiver: Receiver } {
  const bed: { portal?: SandboxPortal; receiver?: Receiver } = {};
  beforeAll(async () => {
    bed.portal = await startPortal();
    bed.receiver = await startReceiver();
  });
  afterAll(async () => {
    await bed.portal?.close();
    await bed.receiver?.close();
  });
  beforeEach(() => {
    if (bed.receiver) bed.receiver.received.length = 0;
  });
  return {
    get portal() {
      if (!bed.portal) throw new Error('portal not started');
      return bed.portal;
    },
    get receiver() {
      if (!bed.receiver) throw new Error('receiver not started');
      return bed.receiver;
    },
  };
}
