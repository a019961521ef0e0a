import type { CalendarEvent } from '../../state/types.ts';
import { methodError } from '../errors.ts';
import { type MethodDef, ok } from '../registry.ts';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `12/11/2024 05:59:00 pm`, the site format of the calendar.event.get example. */
function calendarDate(iso: string): string {
  const d = new Date(iso);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(h12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'am' : 'pm'}`;
}

/** H for the host, else the invitee's answer (calendar_event_fields.md: MEETING_STATUS). */
function statusOf(e: CalendarEvent, userId: number): 'H' | 'Y' | 'N' | 'Q' {
  return userId === e.createdBy ? 'H' : (e.answers?.[userId] ?? 'Y');
}

/** As the owner of the calendar read (`ownerId`) sees it: MEETING_STATUS is their own answer. */
function eventView(e: CalendarEvent, ownerId: number): Record<string, unknown> {
  const from = Date.parse(e.dateFrom);
  const to = Date.parse(e.dateTo);
  return {
    ID: String(e.id),
    PARENT_ID: String(e.id),
    DELETED: 'N',
    CAL_TYPE: e.type,
    OWNER_ID: String(e.ownerId),
    NAME: e.name,
    DATE_FROM: calendarDate(e.dateFrom),
    DATE_TO: calendarDate(e.dateTo),
    TZ_FROM: 'UTC',
    TZ_TO: 'UTC',
    DATE_FROM_TS_UTC: String(Math.floor(from / 1000)),
    DATE_TO_TS_UTC: String(Math.floor(to / 1000)),
    DT_SKIP_TIME: 'N',
    DT_LENGTH: Math.round((to - from) / 1000),
    CREATED_BY: String(e.createdBy),
    DESCRIPTION: e.description,
    LOCATION: e.location,
    IS_MEETING: e.attendees.length > 1,
    MEETING_STATUS: e.attendees.length > 1 ? statusOf(e, ownerId === 0 ? e.createdBy : ownerId) : null,
    MEETING_HOST: String(e.createdBy),
    ATTENDEES_CODES: e.attendees.map((id) => `U${id}`),
    ATTENDEE_LIST: e.attendees.map((id) => ({
      id,
      entryId: String(e.id),
      status: statusOf(e, id),
    })),
    SECTION_ID: String(e.ownerId),
  };
}

function dayParam(v: string | undefined, fallback: number): number {
  if (!v) return fallback;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? fallback : t;
}

export const calendarMethods: MethodDef[] = [
  {
    // api-reference/calendar/calendar-event/calendar-event-get.md: `type` and `ownerId` required;
    // `from` defaults to a month ago and `to` to three months ahead. A user's calendar also shows
    // the meetings they attend.
    name: 'calendar.event.get',
    handler: (ctx) => {
      const type = ctx.params.str('type');
      if (!type)
        throw methodError('', 'The required parameter "type" for the method "calendar.event.get" is not set');
      if (ctx.caller.USER_TYPE === 'extranet') throw methodError('', 'Access denied');
      const ownerId = ctx.params.int('ownerId') ?? 0;
      const now = Date.now();
      const from = dayParam(ctx.params.str('from'), now - 31 * 86_400_000);
      const to = dayParam(ctx.params.str('to'), now + 92 * 86_400_000);
      const events = [...ctx.portal.state.calendarEvents.values()]
        .filter(
          (e) =>
            e.type === type && (e.ownerId === ownerId || (type === 'user' && e.attendees.includes(ownerId))),
        )
        .filter((e) => Date.parse(e.dateTo) >= from && Date.parse(e.dateFrom) <= to + 86_400_000)
        .sort((a, b) => a.dateFrom.localeCompare(b.dateFrom));
      return ok(events.map((e) => eventView(e, ownerId)));
    },
  },
];
