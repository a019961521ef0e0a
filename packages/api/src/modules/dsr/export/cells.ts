import type { Cell } from './category.ts';

/**
 * Spreadsheet programs run a cell that starts with one of these as a formula (OWASP "CSV
 * Injection"): `=`, `+`, `-`, `@`, tab, carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a single quote so the text is shown, not evaluated. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell as it goes into the CSV: text neutralised, numbers as they are, dates ISO 8601. */
export function renderCell(value: Cell): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return neutralise(value);
}

/**
 * An id from the portal (Bitrix24 sends most as strings) as a number we write unneutralised; anything
 * that is not a plain non-negative integer stays text and is neutralised like all portal text.
 */
export function id(value: unknown): number | string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return text(value);
}

/** Portal text: strings as they are, numbers as text, lists joined with "; ", anything else as JSON. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => text(item) ?? '').join('; ');
  return JSON.stringify(value);
}

/** A list of ids as text ("3; 7"). */
export function idList(value: unknown): string | null {
  if (!Array.isArray(value)) return text(value);
  return value.map((item) => String(id(item) ?? '')).join('; ');
}

/** Y/N and booleans as yes/no; anything else as text. */
export function yesNo(value: unknown): boolean | string | null {
  if (value === true || value === 'Y') return true;
  if (value === false || value === 'N') return false;
  return text(value);
}

/** A Unix timestamp in seconds (a string or a number) as a Date. */
export function fromUnixSeconds(value: unknown): Date | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
}
