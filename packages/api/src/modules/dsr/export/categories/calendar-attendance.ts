import type { CalendarEvent } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';
import { calendarWindow, eventTimeColumns, invitedTo, subjectCalendars } from '../portal/calendars.ts';

const ANSWERS: Record<string, string> = { Y: 'accepted', N: 'declined', Q: 'not answered' };

/** The subject's own answer: MEETING_STATUS of their copy, else their entry in ATTENDEE_LIST. */
function answerOf(event: CalendarEvent, subject: number): string | null {
  const list = Array.isArray(event.ATTENDEE_LIST)
    ? (event.ATTENDEE_LIST as { id?: unknown; status?: unknown }[])
    : [];
  const status = event.MEETING_STATUS ?? list.find((a) => String(a.id) === String(subject))?.status;
  return typeof status === 'string' ? (ANSWERS[status] ?? status) : null;
}

/**
 * Meetings others host that the subject is invited to: their participation, not the host's text. The
 * description and location are the host's writing and are left out; the name is kept, because without it
 * the row says nothing the subject can recognise, and a meeting's name often says what it was about them
 * (an appraisal, a hearing), which makes it data about them (Art. 4(1)).
 */
interface InvitationRow {
  event: CalendarEvent;
  answer: string | null;
}

export const calendarAttendance = defineCategory<InvitationRow>({
  name: 'calendar-attendance',
  title: 'Meetings you were invited to',
  about:
    'Meetings in your calendar that someone else organised: when they were, who invited you and how you ' +
    "answered. Their description and location are the organiser's text and are not included; you can " +
    'open the meeting in Bitrix24.',
  source: 'portal',
  period: calendarWindow,
  columns: [
    { name: 'event_id', about: 'Number of the event in Bitrix24.', value: (r) => id(r.event.ID) },
    { name: 'name', about: 'Name of the meeting.', value: (r) => text(r.event.NAME) },
    ...eventTimeColumns<InvitationRow>((r) => r.event),
    {
      name: 'organiser_id',
      about: 'User number of the person who organised it.',
      value: (r) => id(r.event.MEETING_HOST ?? r.event.CREATED_BY),
    },
    {
      name: 'your_answer',
      about: 'accepted, declined or not answered.',
      value: (r) => r.answer,
    },
  ],
  async *rows(ctx) {
    const subject = ctx.sources.subjectUserId;
    const { personal } = await subjectCalendars(ctx);
    for (const event of personal)
      if (invitedTo(event, subject)) yield { event, answer: answerOf(event, subject) };
  },
});
