import {
  type Bitrix24Client,
  Bitrix24Error,
  type CalendarEvent,
  lists,
  readBatchedKeyset,
  type Task,
} from '../../../bitrix24/index.ts';
import { REASONS } from './categories.ts';
import type { KeptItem } from './plan.ts';

export interface WorkRecords {
  kept: KeptItem[];
  /** What could not be listed, for the preview's notes. */
  notes: string[];
}

/** Labels of kept items may carry titles: the portal keeps the items themselves anyway. */
function title(text: unknown): string {
  const t = typeof text === 'string' ? text.trim() : '';
  return t === '' ? '' : ` «${t.length > 80 ? `${t.slice(0, 79)}…` : t}»`;
}

/** A read that a portal without the scope or module refuses is a note, not a failed preview. */
async function orNote<T>(what: string, notes: string[], read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof Bitrix24Error) || error.retryable) throw error;
    notes.push(`${what} could not be listed (${error.code}); they are kept in any case.`);
    return [];
  }
}

/**
 * Tasks the subject created or is responsible for, and calendar events they own or created: kept, with
 * the reason, so the administrator sees which shared records will go on showing the (anonymised) name.
 */
export async function collectWorkRecords(
  admin: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<WorkRecords> {
  const notes: string[] = [];
  const options = signal ? { signal } : {};
  const tasks = await orNote('Tasks', notes, async () => {
    const found = new Map<string, Task>();
    for (const field of ['CREATED_BY', 'RESPONSIBLE_ID']) {
      const spec = lists.tasks({ filter: { [field]: subjectUserId }, select: ['ID', 'TITLE'] });
      for await (const page of readBatchedKeyset<Task>(admin, spec, options)) {
        for (const task of page) found.set(String(task.id), task);
      }
    }
    return [...found.values()];
  });
  const events = await orNote('Calendar events', notes, async () => {
    // The method's default window is a month back to three ahead; a subject's history is longer.
    const all = await admin.call(
      'calendar.event.get',
      { type: 'user', ownerId: subjectUserId, from: '2000-01-01', to: '2100-01-01' },
      options,
    );
    return all.filter(
      (e: CalendarEvent) => Number(e.OWNER_ID) === subjectUserId || Number(e.CREATED_BY) === subjectUserId,
    );
  });
  const kept: KeptItem[] = [
    ...tasks.map((task) => ({
      category: 'task' as const,
      portalId: String(task.id),
      label: `Task #${task.id}${title(task.title)}`,
      reason: REASONS.task,
    })),
    ...events.map((event) => ({
      category: 'calendar-event' as const,
      portalId: String(event.ID),
      label: `Calendar event #${event.ID}${title(event.NAME)} on ${event.DATE_FROM}`,
      reason: REASONS.calendarEvent,
    })),
  ];
  return { kept, notes };
}
