import type { ParamObject, ParamValue } from './params.ts';

/**
 * Bitrix24 list filters: keys carry an operator prefix (`>=ID`, `%NAME`, `@ID`, `!ACTIVE`), as
 * api-reference/user/user-get.md lists them. Longest prefixes first so `>=` wins over `>`.
 */
const OPERATORS = [
  '!=%',
  '!%=',
  '>=',
  '<=',
  '=%',
  '%=',
  '!@',
  '!%',
  '!=',
  '>',
  '<',
  '@',
  '%',
  '=',
  '!',
] as const;
type Operator = (typeof OPERATORS)[number] | '';

export interface FilterCondition {
  field: string;
  op: Operator;
  value: ParamValue;
}

export function parseFilter(filter: ParamObject | undefined): FilterCondition[] {
  if (!filter) return [];
  return Object.entries(filter).map(([key, value]) => {
    const op = OPERATORS.find((o) => key.startsWith(o)) ?? '';
    return { field: key.slice(op.length).toUpperCase(), op, value };
  });
}

type Scalar = string | number | boolean | null | undefined;

function norm(v: Scalar): string {
  if (v === true) return 'Y';
  if (v === false) return 'N';
  if (v === null || v === undefined) return '';
  return String(v);
}

function compare(a: Scalar, b: Scalar): number {
  const x = norm(a);
  const y = norm(b);
  const nx = Number(x);
  const ny = Number(y);
  if (x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
  return x.localeCompare(y);
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function listOf(value: ParamValue): Scalar[] {
  if (Array.isArray(value)) return value.filter((v) => v === null || typeof v !== 'object') as Scalar[];
  if (value !== null && typeof value === 'object') return Object.values(value) as Scalar[];
  return [value];
}

/** True when a field value (possibly a list, like UF_DEPARTMENT) passes one condition. */
function passes(actual: Scalar | Scalar[], cond: FilterCondition): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  const wanted = listOf(cond.value);
  const anyValue = (pred: (v: Scalar) => boolean) => values.some(pred);
  const eq = (v: Scalar) => wanted.some((w) => compare(v, w) === 0);
  switch (cond.op) {
    case '':
    case '=':
    case '@':
      return anyValue(eq);
    case '!':
    case '!=':
    case '!@':
      return !anyValue(eq);
    case '>':
      return anyValue((v) => compare(v, wanted[0]) > 0);
    case '>=':
      return anyValue((v) => compare(v, wanted[0]) >= 0);
    case '<':
      return anyValue((v) => compare(v, wanted[0]) < 0);
    case '<=':
      return anyValue((v) => compare(v, wanted[0]) <= 0);
    case '%':
      return anyValue((v) => norm(v).toLowerCase().includes(norm(wanted[0]).toLowerCase()));
    case '!%':
      return !anyValue((v) => norm(v).toLowerCase().includes(norm(wanted[0]).toLowerCase()));
    case '=%':
    case '%=':
      return anyValue((v) => likeToRegExp(norm(wanted[0])).test(norm(v)));
    case '!=%':
    case '!%=':
      return !anyValue((v) => likeToRegExp(norm(wanted[0])).test(norm(v)));
  }
}

/**
 * Applies conditions to records read through `get`. A field `get` does not know (returns
 * `undefined`) is ignored, as Bitrix24 ignores unknown filter keys.
 */
export function matchesFilter<T>(
  record: T,
  conditions: FilterCondition[],
  get: (record: T, field: string) => Scalar | Scalar[] | undefined,
): boolean {
  for (const cond of conditions) {
    const actual = get(record, cond.field);
    if (actual === undefined) continue;
    if (!passes(actual, cond)) return false;
  }
  return true;
}

export type SortDirection = 'ASC' | 'DESC';

export function sortBy<T>(items: T[], get: (item: T) => Scalar, dir: SortDirection): T[] {
  const sign = dir === 'DESC' ? -1 : 1;
  return [...items].sort((a, b) => sign * compare(get(a), get(b)));
}
