/** Date shapes of REST answers, all in UTC (the docs' examples use the server's offset). */
import { formatDateTime } from './envelope.ts';

export { formatDateTime };

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A `date` field as user.get returns it: `2018-07-14T00:00:00+00:00`, or '' when empty. */
export function formatDateField(value: string): string {
  if (value === '') return '';
  return `${value.slice(0, 10)}T00:00:00+00:00`;
}

/** Parses what clients send for a date: `YYYY-MM-DD`, ISO datetime or `DD.MM.YYYY`. */
export function parseDateInput(value: string): string | null {
  const v = value.trim();
  if (v === '') return '';
  const dmY = v.match(/^(\d{2})\.(\d{2})\.(\d{4})/);
  if (dmY) return `${dmY[3]}-${dmY[2]}-${dmY[1]}`;
  const iso = v.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  return null;
}

/** `24.08.2023 13:19:39`, the form TIMESTAMP_X takes in the batch.md example. */
export function formatSiteDateTime(iso: string): string {
  if (iso === '') return '';
  const d = new Date(iso);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2024-08-29 10:30:11`, the form LAST_ACTIVITY_DATE takes in user-current.md. */
export function formatSqlDateTime(iso: string): string {
  if (iso === '') return '';
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatIso(iso: string): string {
  return iso === '' ? '' : formatDateTime(iso);
}
