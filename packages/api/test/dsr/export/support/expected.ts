import type { CalendarEvent, PortalState } from '@b24-gdpr/sandbox';

/**
 * What the sandbox holds about a subject, straight from its model (not through REST), in the shape
 * the export's CSVs should show it. Dates are compared as instants.
 */
export function expectedFor(state: PortalState, subject: number) {
  const chats = [...state.chats.values()].filter((c) => c.memberIds.includes(subject));
  const chatIds = new Set(chats.map((c) => c.id));
  const invited = (e: CalendarEvent) => e.attendees.length > 1 && e.createdBy !== subject;
  const inCalendar = [...state.calendarEvents.values()].filter(
    (e) =>
      (e.type === 'user' && (e.ownerId === subject || e.attendees.includes(subject))) ||
      (e.type === 'company_calendar' && e.createdBy === subject),
  );
  return {
    user: state.users.get(subject)!,
    posts: [...state.posts.values()].filter((p) => p.authorId === subject),
    comments: [...state.comments.values()].filter((c) => c.authorId === subject),
    chats,
    messages: [...state.messages.values()].filter(
      (m) => m.authorId === subject && !m.system && chatIds.has(m.chatId),
    ),
    tasks: [...state.tasks.values()].filter((t) => t.createdBy === subject || t.responsibleId === subject),
    /** Tasks of others they observe or help with (task-participation.csv). */
    participation: [...state.tasks.values()].filter(
      (t) =>
        t.createdBy !== subject &&
        t.responsibleId !== subject &&
        (t.auditors.includes(subject) || t.accomplices.includes(subject)),
    ),
    events: inCalendar.filter((e) => !invited(e)),
    /** Meetings someone else hosts (calendar-attendance.csv). */
    invitations: inCalendar.filter(invited),
    storages: [...state.storages.values()].filter(
      (s) => s.entityType === 'user' && s.entityId === String(subject),
    ),
  };
}

/** A demo user who has something in every portal category, so no check passes on empty files. */
export function busiestDemoSubject(state: PortalState): number {
  let best = 0;
  let bestScore = -1;
  for (const user of state.users.values()) {
    if (user.isAdmin || !user.ACTIVE) continue;
    const e = expectedFor(state, user.ID);
    const counts = [e.posts, e.comments, e.messages, e.tasks, e.events].map((list) => list.length);
    const score = Math.min(...counts) * 1000 + counts.reduce((a, b) => a + b, 0);
    if (score > bestScore) {
      best = user.ID;
      bestScore = score;
    }
  }
  return best;
}

/** `24.08.2023 13:19:39` (the sandbox's site format, UTC) as epoch ms. */
export function siteDateMs(value: string): number {
  const m = value.match(/^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/);
  if (!m) return Number.NaN;
  return Date.parse(`${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/** Epoch ms to the second (the portal drops milliseconds). */
export function toSecond(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000) * 1000;
}

export function sorted<T>(values: Iterable<T>): T[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
