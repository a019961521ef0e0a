import type { CalendarEvent } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, idList, text } from '../cells.ts';
import { calendarWindow, eventTimeColumns, invitedTo, subjectCalendars } from '../portal/calendars.ts';

interface EventRow {
  event: CalendarEvent;
  calendar: 'personal' | 'company';
}

export const calendar = defineCategory<EventRow>({
  name: 'calendar',
  title: 'Calendar events',
  about:
    'Events in your personal calendar and events you created in the company calendar. Meetings others ' +
    'invited you to are in calendar-attendance.csv.',
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
    ...eventTimeColumns<EventRow>((r) => r.event),
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
    const subject = ctx.sources.subjectUserId;
    const { personal, company } = await subjectCalendars(ctx);
    for (const event of personal) if (!invitedTo(event, subject)) yield { event, calendar: 'personal' };
    if (company.status === 'error') {
      ctx.notAccessible({
        item: 'company calendar',
        code: company.code,
        reason: company.message,
        partial: true,
      });
      return;
    }
    for (const event of company.events) {
      if (String(event.CREATED_BY) === String(subject)) yield { event, calendar: 'company' };
    }
  },
});
