import { type CalendarEvent, command } from '../../../../bitrix24/index.ts';
import type { CategoryContext, Column } from '../category.ts';
import { fromUnixSeconds, text } from '../cells.ts';
import type { Period } from '../types.ts';

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

const day = (iso: string) => iso.slice(0, 10);

export type CalendarAnswer =
  | { status: 'ok'; events: CalendarEvent[] }
  | { status: 'error'; code: string; message: string };

export interface SubjectCalendars {
  /** The subject's calendar: their events and the meetings they are invited to. */
  personal: CalendarEvent[];
  company: CalendarAnswer;
}

/**
 * Both calendars in one batch, read once per export (calendar.csv and calendar-attendance.csv share it;
 * the method answers a calendar whole anyway). A refused personal calendar fails the categories that
 * read it; the company calendar may be switched off or closed to the reader.
 */
export function subjectCalendars(ctx: CategoryContext): Promise<SubjectCalendars> {
  return ctx.shared('calendars', async () => {
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
    const personal = answers.personal.status === 'ok' ? answers.personal.result : [];
    const company: CalendarAnswer =
      answers.company.status === 'error'
        ? { status: 'error', code: answers.company.error.code, message: answers.company.error.message }
        : { status: 'ok', events: answers.company.status === 'ok' ? answers.company.result : [] };
    return { personal, company };
  });
}

/**
 * A meeting someone else hosts, in the subject's calendar because they are invited. Its description and
 * location are the host's text, so it goes to calendar-attendance.csv, not calendar.csv.
 */
export function invitedTo(event: CalendarEvent, subject: number): boolean {
  const host = event.MEETING_HOST ?? event.CREATED_BY;
  return event.IS_MEETING === true && String(host) !== String(subject);
}

/** Start and end in UTC, from the timestamps when the portal gives them, for both calendar files. */
export function eventTimeColumns<R>(eventOf: (row: R) => CalendarEvent): Column<R>[] {
  return [
    {
      name: 'starts_at',
      about: 'Start (ISO 8601, UTC).',
      value: (r) => fromUnixSeconds(eventOf(r).DATE_FROM_TS_UTC) ?? text(eventOf(r).DATE_FROM),
    },
    {
      name: 'ends_at',
      about: 'End (ISO 8601, UTC).',
      value: (r) => fromUnixSeconds(eventOf(r).DATE_TO_TS_UTC) ?? text(eventOf(r).DATE_TO),
    },
  ];
}
