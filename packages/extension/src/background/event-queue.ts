import { type AuditEventInput, RecordEventsDocument } from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';
import type { QueuedEvent } from '../messaging/protocol.ts';
import { eventQueueDroppedItem, eventQueueFailuresItem, eventQueueItem } from '../storage/items.ts';

/** The API takes at most this many events per `recordEvents`. */
export const BATCH_SIZE = 500;
/** Beyond this the oldest events are dropped (and counted): a week offline must not fill the disk. */
export const MAX_QUEUED = 10_000;
export const FLUSH_ALARM = 'event-queue-flush';
/** Chrome fires alarms no sooner than 30 s; the wait doubles per failure up to half an hour. */
const FIRST_RETRY_MINUTES = 0.5;
const MAX_RETRY_MINUTES = 30;

export interface FlushResult {
  sent: number;
  /** Events still queued because the API could not take them now. */
  remaining: number;
}

/**
 * Edits seen in pages wait in extension storage until the API has them. Events leave storage only
 * after `recordEvents` answered, so a worker killed mid-flush sends them again; the API stores each
 * idempotency key once, so a flush whose answer was lost is harmless.
 */
export function createEventQueue(api: ApiClient) {
  let flushing: Promise<FlushResult> | null = null;
  // Adding and removing are read-modify-write on one storage item; running them one after another
  // keeps an event queued while a batch is in flight from being overwritten.
  let writes: Promise<unknown> = Promise.resolve();
  const serialised = <T>(change: () => Promise<T>): Promise<T> => {
    const next = writes.then(change);
    writes = next.catch(() => undefined);
    return next;
  };

  async function queue(events: QueuedEvent[]): Promise<{ queued: number }> {
    const queued = await serialised(() => add(events));
    // A new event is a good moment to try again, whatever the backoff said.
    void flush();
    return { queued };
  }

  async function add(events: QueuedEvent[]): Promise<number> {
    const valid = (Array.isArray(events) ? events : []).filter(isQueuedEvent);
    const current = await eventQueueItem.getValue();
    const known = new Set(current.map((e) => e.idempotencyKey));
    const added = valid.filter((e) => !known.has(e.idempotencyKey) && known.add(e.idempotencyKey));
    const all = [...current, ...added];
    const overflow = Math.max(0, all.length - MAX_QUEUED);
    if (overflow > 0)
      await eventQueueDroppedItem.setValue((await eventQueueDroppedItem.getValue()) + overflow);
    await eventQueueItem.setValue(all.slice(overflow));
    return added.length;
  }

  /** Sends everything queued, batch by batch; one flush at a time. */
  function flush(): Promise<FlushResult> {
    flushing ??= flushAll().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function flushAll(): Promise<FlushResult> {
    let sent = 0;
    for (;;) {
      const batch = (await eventQueueItem.getValue()).slice(0, BATCH_SIZE);
      if (batch.length === 0) {
        await eventQueueFailuresItem.setValue(0);
        await browser.alarms.clear(FLUSH_ALARM);
        return { sent, remaining: 0 };
      }
      const result = await api.execute(RecordEventsDocument, { events: batch.map(toAuditEventInput) });
      const permanent = !result.ok && (result.error.kind === 'invalid' || result.error.kind === 'refused');
      if (!result.ok && !permanent) {
        const remaining = (await eventQueueItem.getValue()).length;
        await scheduleRetry();
        return { sent, remaining };
      }
      // A batch the API refuses as invalid or not the user's to report would be refused forever and
      // block everything behind it: drop and count it (content scripts only queue reportable edits).
      if (!result.ok)
        await eventQueueDroppedItem.setValue((await eventQueueDroppedItem.getValue()) + batch.length);
      else sent += batch.length;
      await remove(new Set(batch.map((e) => e.idempotencyKey)));
    }
  }

  async function scheduleRetry(): Promise<void> {
    const failures = (await eventQueueFailuresItem.getValue()) + 1;
    await eventQueueFailuresItem.setValue(failures);
    const delayInMinutes = Math.min(FIRST_RETRY_MINUTES * 2 ** (failures - 1), MAX_RETRY_MINUTES);
    await browser.alarms.create(FLUSH_ALARM, { delayInMinutes });
  }

  /** Re-reads storage: events queued while the batch was in flight stay. */
  function remove(keys: Set<string>): Promise<void> {
    return serialised(async () => {
      const current = await eventQueueItem.getValue();
      await eventQueueItem.setValue(current.filter((e) => !keys.has(e.idempotencyKey)));
    });
  }

  /** Flushes on the retry alarm and once now (the worker may have been stopped with events queued). */
  function start(): void {
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === FLUSH_ALARM) void flush();
    });
    void flush();
  }

  return { queue, flush, start };
}

export type EventQueue = ReturnType<typeof createEventQueue>;

function toAuditEventInput(event: QueuedEvent): AuditEventInput {
  return {
    idempotencyKey: event.idempotencyKey,
    action: event.action,
    occurredAt: event.occurredAt,
    targetType: event.targetType,
    targetId: event.targetId,
    sessionKey: event.sessionKey,
    metadata: event.metadata,
    source: 'EXTENSION',
  };
}

/** Events come from content scripts; anything malformed is left out rather than poisoning a batch. */
function isQueuedEvent(value: unknown): value is QueuedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.idempotencyKey === 'string' &&
    e.idempotencyKey.length > 0 &&
    e.idempotencyKey.length <= 200 &&
    typeof e.action === 'string' &&
    typeof e.occurredAt === 'string' &&
    !Number.isNaN(Date.parse(e.occurredAt)) &&
    typeof e.targetType === 'string' &&
    typeof e.targetId === 'string' &&
    (e.sessionKey === null || typeof e.sessionKey === 'string') &&
    typeof e.metadata === 'object' &&
    e.metadata !== null
  );
}
