import { type CalendarEvent, command } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { fromUnixSeconds, id, idList, text } from '../cells.ts';
import type { Period } from '../types.ts';

interface EventRow {
  event: CalendarEvent;
  calendar: 'personal' | 'company';
}

/**
 * `calendar.event.get` has no paging and defaults to a month back and three ahead, so the export asks
 * for a wide window explicitly (and says which in the manifest): from 2000, before any Bitrix24 portal,
 * to ten years ahead for recurring and planned events.
 */
export function calendarWindow(generatedAt: Date): Period {
  const to = new Date(generatedAt);
  to.setUTCFullYear(to.getUTCFullYear() + 10);
  return { from: '2000-01-01T00:00:00.000Z', to: to.toISOString() };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

export const calendar = defineCategory<EventRow>({
  name: 'calendar',
  title: 'Calendar events',
  about:
    'Events in your personal calendar (including meetings you were invited to) and events you created ' +
    'in the company calendar.',
  source: 'portal',
  period: calendarWindow,
  columns: [
    { name: 'event_id', about: 'Number of the event in Bitrix24.', value: (r) => id(r.event.ID) },
    {
      name: 'calendar',
      about: 'personal = your calendar; company = the company calendar.',
      value: (r) => r.calendar,
    },
    { name: 'name', about: 'Name of the event.', value: (r) => text(r.event.NAME) },
    { name: 'description', about: 'Description of the event.', value: (r) => text(r.event.DESCRIPTION) },
    { name: 'location', about: 'Where it takes place.', value: (r) => text(r.event.LOCATION) },
    {
      name: 'starts_at',
      about: 'Start (ISO 8601, UTC).',
      value: (r) => fromUnixSeconds(r.event.DATE_FROM_TS_UTC) ?? text(r.event.DATE_FROM),
    },
    {
      name: 'ends_at',
      about: 'End (ISO 8601, UTC).',
      value: (r) => fromUnixSeconds(r.event.DATE_TO_TS_UTC) ?? text(r.event.DATE_TO),
    },
    {
      name: 'owner_id',
      about: "User number of the calendar's owner (0 for the company calendar).",
      value: (r) => id(r.event.OWNER_ID),
    },
    {
      name: 'created_by',
      about: 'User number of the person who created the event.',
      value: (r) => id(r.event.CREATED_BY),
    },
    {
      name: 'attendee_ids',
      about: 'User numbers of the people invited, separated by "; ".',
      value: (r) => idList((r.event.ATTENDEE_LIST as { id?: unknown }[] | undefined)?.map((a) => a.id)),
    },
  ],
  async *rows(ctx) {
    const { portal, subjectUserId: subject } = ctx.sources;
    const window = calendarWindow(ctx.generatedAt);
    const range = { from: day(window.from ?? ''), to: day(window.to) };
    const answers = await portal.batch(
      {
        personal: command('calendar.event.get', { type: 'user', ownerId: subject, ...range }),
        company: command('calendar.event.get', { type: 'company_calendar', ownerId: 0, ...range }),
      },
      { signal: ctx.signal },
    );
    if (answers.personal.status === 'error') throw answers.personal.error;
    if (answers.personal.status === 'ok') {
      for (const event of answers.personal.result) yield { event, calendar: 'personal' };
    }
    // The company calendar may be switched off or closed to the reader; the personal one still counts.
    if (answers.company.status === 'error') {
      ctx.notAccessible({
        item: 'company calendar',
        code: answers.company.error.code,
        reason: answers.company.error.message,
        partial: true,
      });
    } else if (answers.company.status === 'ok') {
      for (const event of answers.company.result) {
        if (String(event.CREATED_BY) === String(subject)) yield { event, calendar: 'company' };
      }
    }
  },
});
