/** ISO 8601 weeks (Monday to Monday) as instants in a time zone. */

export interface IsoWeek {
  year: number;
  week: number;
}

const WEEK = /^(\d{4})-W(\d{2})$/;

export function parseIsoWeek(text: string): IsoWeek {
  const match = WEEK.exec(text.trim());
  if (!match) throw new Error(`not an ISO week (YYYY-Www): ${text}`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > weeksInYear(year)) throw new Error(`${text}: ${year} has no week ${week}`);
  return { year, week };
}

export function formatIsoWeek({ year, week }: IsoWeek): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of week 1 as a UTC calendar date (the week holding 4 January). */
function week1Monday(year: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const dow = jan4.getUTCDay() || 7;
  return new Date(Date.UTC(year, 0, 4 - (dow - 1)));
}

function weeksInYear(year: number): number {
  return Math.round((week1Monday(year + 1).getTime() - week1Monday(year).getTime()) / (7 * 86_400_000));
}

/** The ISO week a calendar date (its y/m/d read as UTC) falls in. */
export function isoWeekOfDate(date: Date): IsoWeek {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const dow = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - dow); // the Thursday decides the year
  const year = day.getUTCFullYear();
  const week = Math.floor((day.getTime() - week1Monday(year).getTime()) / (7 * 86_400_000)) + 1;
  return { year, week };
}

/** Offset of `timeZone` from UTC at `at`, in milliseconds. */
function offsetAt(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a wall-clock midnight (a UTC calendar date) happens in `timeZone`. */
function localMidnight(date: Date, timeZone: string): Date {
  let guess = date.getTime() - offsetAt(date, timeZone);
  guess = date.getTime() - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** [start, end) of an ISO week: Monday 00:00 to the next Monday 00:00 in `timeZone`. */
export function weekPeriod(week: IsoWeek, timeZone = 'UTC'): { start: Date; end: Date } {
  const monday = new Date(week1Monday(week.year).getTime() + (week.week - 1) * 7 * 86_400_000);
  const next = new Date(monday.getTime() + 7 * 86_400_000);
  return { start: localMidnight(monday, timeZone), end: localMidnight(next, timeZone) };
}

/** The ISO week before the one `now` falls in (in `timeZone`): the week a scheduled run reports. */
export function previousIsoWeek(now: Date, timeZone = 'UTC'): IsoWeek {
  const local = new Date(now.getTime() + offsetAt(now, timeZone));
  return isoWeekOfDate(new Date(local.getTime() - 7 * 86_400_000));
}

/** The week before `week`. */
export function weekBefore(week: IsoWeek): IsoWeek {
  const { start } = weekPeriod(week);
  return isoWeekOfDate(new Date(start.getTime() - 86_400_000));
}
