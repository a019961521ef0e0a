import type { SandboxRuntime } from '../runtime.ts';
import type { Delivery, EventBinding } from '../state/types.ts';

/** Handlers get this long to answer; the portal's queue does not wait forever either. */
const DELIVERY_TIMEOUT_MS = 5_000;

type Flat = Record<string, string>;

/** `{ FIELDS: { POST_ID: 5 } }` → `data[FIELDS][POST_ID]=5`, as PHP would post it. */
function flatten(prefix: string, value: unknown, out: Flat): void {
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

  emit(event: string, data: Record<string, unknown>): void {
    const name = event.toUpperCase();
    for (const binding of this.portal.state.eventBindings.values()) {
      if (binding.event !== name || binding.eventType !== 'online') continue;
      const p = this.deliver(binding, data).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  body(binding: EventBinding, data: Record<string, unknown>): Flat {
    const out: Flat = {
      event: binding.event,
      event_handler_id: String(binding.id),
    };
    flatten('data', data, out);
    out.ts = String(Math.floor(Date.now() / 1000));
    out['auth[domain]'] = this.portal.domain;
    out['auth[client_endpoint]'] = this.portal.clientEndpoint;
    out['auth[server_endpoint]'] = `${this.portal.baseUrl}/oauth/rest/`;
    out['auth[member_id]'] = this.portal.memberId;
    out['auth[application_token]'] = this.portal.applicationToken;
    return out;
  }

  private async deliver(binding: EventBinding, data: Record<string, unknown>): Promise<void> {
    const body = this.body(binding, data);
    const record: Delivery = {
      id: this.portal.state.nextId('delivery'),
      bindingId: binding.id,
      event: binding.event,
      url: binding.handler,
      body,
      at: new Date().toISOString(),
      status: null,
      error: null,
    };
    this.portal.state.deliveries.push(record);
    try {
      const res = await fetch(binding.handler, {
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
