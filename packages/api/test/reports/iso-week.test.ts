import { describe, expect, it } from 'vitest';
import {
  formatIsoWeek,
  isoWeekOfDate,
  parseIsoWeek,
  previousIsoWeek,
  weekBefore,
  weekPeriod,
} from '../../src/modules/reports/iso-week.ts';
import { cronOf } from '../../src/modules/reports/report-jobs.ts';

describe('ISO weeks', () => {
  it('finds weeks across year ends (2026 has 53 weeks)', () => {
    expect(formatIsoWeek(isoWeekOfDate(new Date('2026-11-23T00:00:00Z')))).toBe('2026-W48');
    expect(formatIsoWeek(isoWeekOfDate(new Date('2027-01-01T12:00:00Z')))).toBe('2026-W53');
    expect(formatIsoWeek(isoWeekOfDate(new Date('2024-12-30T12:00:00Z')))).toBe('2025-W01');
    expect(formatIsoWeek(weekBefore(parseIsoWeek('2027-W01')))).toBe('2026-W53');
    expect(() => parseIsoWeek('2025-W53')).toThrow('2025 has no week 53');
    expect(() => parseIsoWeek('2026-47')).toThrow('not an ISO week');
  });

  it('gives the period Monday to Monday in the time zone', () => {
    expect(weekPeriod(parseIsoWeek('2026-W47'))).toEqual({
      start: new Date('2026-11-16T00:00:00Z'),
      end: new Date('2026-11-23T00:00:00Z'),
    });
    expect(weekPeriod(parseIsoWeek('2026-W47'), 'Europe/Berlin')).toEqual({
      start: new Date('2026-11-15T23:00:00Z'),
      end: new Date('2026-11-22T23:00:00Z'),
    });
    // The week DST ends in Berlin (25 October 2026): starts at +02:00, ends at +01:00.
    expect(weekPeriod(parseIsoWeek('2026-W43'), 'Europe/Berlin')).toEqual({
      start: new Date('2026-10-18T22:00:00Z'),
      end: new Date('2026-10-25T23:00:00Z'),
    });
  });

  it('a scheduled run reports the week before the one it runs in (in its time zone)', () => {
    expect(formatIsoWeek(previousIsoWeek(new Date('2026-11-23T00:00:00Z')))).toBe('2026-W47');
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(formatIsoWeek(previousIsoWeek(new Date('2026-11-22T23:30:00Z'), 'Europe/Berlin'))).toBe(
      '2026-W47',
    );
    expect(formatIsoWeek(previousIsoWeek(new Date('2026-11-22T23:30:00Z')))).toBe('2026-W46');
  });

  it('turns the settings into a cron line (ISO Sunday 7 is cron 0)', () => {
    expect(cronOf({ dayOfWeek: 1, time: '00:00' })).toBe('0 0 * * 1');
    expect(cronOf({ dayOfWeek: 7, time: '06:30' })).toBe('30 6 * * 0');
  });
});
