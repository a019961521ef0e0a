import { randomBytes } from 'node:crypto';
import type { App } from '../apps/types.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { Delivery, EventBinding } from '../state/types.ts';

/** Handlers get this long to answer; the portal's queue does not wait forever either. */
const DELIVERY_TIMEOUT_MS = 5_000;

type Flat = Record<string, string>;

/** `{ FIELDS: { POST_ID: 5 } }` → `data[FIELDS][POST_ID]=5`, as PHP would post it. */
export function flatten(prefix: string, value: unknown, out: Flat): void {
  if (value === null || value === undefined) {
    out[prefix] = '';
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}[${k}]`, v, out);
  } else {
    out[prefix] = String(value);
  }
}

/**
 * Outbound events (api-reference/events/index.md): a form-encoded POST to every handler bound
 * to the event, with `event`, `event_handler_id`, `data[...]`, `ts` and `auth[...]`. A failed
 * delivery is recorded and never retried, as the docs say of the queue server.
 */
export class EventDispatcher {
  private readonly portal: SandboxRuntime;
  private readonly pending = new Set<Promise<void>>();

  constructor(portal: SandboxRuntime) {
    this.portal = portal;
  }

  /**
   * `triggeredBy`: the user whose action fired the event (the REST caller); null for what no user did
   * (robots, agents). The handler gets that user's authorisation, or the binding's `auth_type` user's.
   */
  emit(event: string, data: Record<string, unknown>, triggeredBy: number | null): void {
    const name = event.toUpperCase();
    for (const binding of this.portal.state.eventBindings.values()) {
      if (binding.event !== name || binding.eventType !== 'online') continue;
      // "Events will not be sent to the application until the installation is complete"
      // (settings/app-installation/installation-finish.md).
      if (binding.appId !== undefined && !this.appReady(binding.appId)) continue;
      const p = this.deliver(binding, data, triggeredBy).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /**
   * The form the portal posts (api-reference/events/index.md, "Parameter auth"; modules/rest/lib/event/
   * sender.php). With a user: the OAuth authorisation issued for that user (`access_token`, `expires`,
   * `expires_in`, `scope`, `domain`, `server_endpoint`, `status`, `client_endpoint`, `member_id`,
   * `user_id`, `application_token`; `refresh_token` only for install-type events, never here). Without one:
   * only `domain`, `member_id` and `application_token`. The sandbox has no OAuth server, so the access
   * token is a random string its REST does not accept.
   */
  body(binding: EventBinding, data: Record<string, unknown>, triggeredBy: number | null = null): Flat {
    const app = binding.appId === undefined ? undefined : this.portal.apps.get(binding.appId);
    if (app) {
      const userId = binding.authType > 0 ? binding.authType : (triggeredBy ?? 0);
      return this.appBody(app, binding.event, data, { userId, handlerId: binding.id, refresh: false });
    }
    const out: Flat = {
      event: binding.event,
      event_handler_id: String(binding.id),
    };
    flatten('data', data, out);
    const now = Math.floor(Date.now() / 1000);
    out.ts = String(now);
    const userId = binding.authType > 0 ? binding.authType : (triggeredBy ?? 0);
    if (userId > 0) {
      out['auth[access_token]'] = randomBytes(16).toString('hex');
      out['auth[expires]'] = String(now + 3600);
      out['auth[expires_in]'] = '3600';
      out['auth[scope]'] = scopeOf(binding.event);
      out['auth[domain]'] = this.portal.domain;
      out['auth[server_endpoint]'] = this.portal.serverEndpoint;
      out['auth[status]'] = 'L';
      out['auth[client_endpoint]'] = this.portal.clientEndpoint;
      out['auth[member_id]'] = this.portal.memberId;
      out['auth[user_id]'] = String(userId);
    } else {
      out['auth[domain]'] = this.portal.domain;
      out['auth[member_id]'] = this.portal.memberId;
    }
    out['auth[application_token]'] = this.portal.applicationToken;
    return out;
  }

  private appReady(appId: number): boolean {
    const app = this.portal.apps.get(appId);
    return app?.active === true && app.installed;
  }

  /**
   * An application's event form (api-reference/events/index.md "Parameter auth";
   * api-reference/common/events/on-app-install.md): with a user, real OAuth tokens the sandbox's REST
   * accepts, issued to that user for this app; `refresh_token` only for install-type events
   * (settings/oauth/simple-way.md: "Event handlers usually do not receive refresh_token. The
   * ONAPPINSTALL event is an exception"). Without a user (`userId` 0, e.g. ONAPPUNINSTALL) only the
   * portal's addresses and the application token (on-app-uninstall.md).
   */
  appBody(
    app: App,
    event: string,
    data: Record<string, unknown>,
    o: { userId: number; handlerId: number | null; refresh: boolean },
  ): Flat {
    const out: Flat = { event };
    if (o.handlerId !== null) out.event_handler_id = String(o.handlerId);
    flatten('data', data, out);
    const now = Math.floor(Date.now() / 1000);
    out.ts = String(now);
    // The portal's address as its frames' DOMAIN and `client_endpoint` name it, so an app sees one
    // domain for the portal (webhook-bound events keep the configured `domain`).
    out['auth[domain]'] = this.portal.frameHost;
    if (o.userId > 0) {
      const pair = this.portal.tokens.issue(app.id, o.userId);
      out['auth[access_token]'] = pair.access.token;
      out['auth[expires]'] = String(Math.floor(pair.access.expiresAt / 1000));
      out['auth[expires_in]'] = String(this.portal.tokens.lifetimes.accessSeconds);
      out['auth[scope]'] = app.scope.join(',');
      if (o.refresh) out['auth[refresh_token]'] = pair.refresh.token;
      out['auth[server_endpoint]'] = this.portal.serverEndpoint;
      out['auth[status]'] = app.status;
      out['auth[client_endpoint]'] = this.portal.clientEndpoint;
      out['auth[member_id]'] = this.portal.memberId;
      out['auth[user_id]'] = String(o.userId);
    } else {
      out['auth[server_endpoint]'] = this.portal.serverEndpoint;
      out['auth[client_endpoint]'] = this.portal.clientEndpoint;
      out['auth[member_id]'] = this.portal.memberId;
    }
    out['auth[application_token]'] = app.applicationToken;
    return out;
  }

  /** Posts a prepared form to a URL, recorded as a delivery; not retried. */
  send(url: string, event: string, bindingId: number, body: Flat): void {
    const p = this.post(url, event, bindingId, body).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async deliver(
    binding: EventBinding,
    data: Record<string, unknown>,
    triggeredBy: number | null,
  ): Promise<void> {
    await this.post(binding.handler, binding.event, binding.id, this.body(binding, data, triggeredBy));
  }

  private async post(url: string, event: string, bindingId: number, body: Flat): Promise<void> {
    const record: Delivery = {
      id: this.portal.state.nextId('delivery'),
      bindingId,
      event,
      url,
      body,
      at: new Date().toISOString(),
      status: null,
      error: null,
    };
    this.portal.state.deliveries.push(record);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** The scope an event belongs to, as `auth[scope]` names it. */
function scopeOf(event: string): string {
  if (event.startsWith('ONLIVEFEED')) return 'log';
  if (event.startsWith('ONTASK')) return 'task';
  if (event.startsWith('ONCALENDAR')) return 'calendar';
  return 'user';
}
