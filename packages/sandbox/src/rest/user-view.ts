import type { User } from '../state/types.ts';
import { USER_FIELD_LABELS, type UserFieldName } from '../state/user-fields.ts';
import { formatDateField, formatIso, formatSiteDateTime, formatSqlDateTime } from './format.ts';

/**
 * A user as user.get / user.current return it (api-reference/user/user-get.md): ID a string,
 * ACTIVE a boolean, IS_ONLINE Y/N, UF_DEPARTMENT a list of numbers, dates as the examples show.
 */
export function userView(u: User): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(USER_FIELD_LABELS) as UserFieldName[]) {
    out[field] = userFieldValue(u, field);
  }
  return out;
}

export function userFieldValue(u: User, field: UserFieldName): unknown {
  switch (field) {
    case 'ID':
      return String(u.ID);
    case 'ACTIVE':
      return u.ACTIVE;
    case 'IS_ONLINE':
      return u.IS_ONLINE ? 'Y' : 'N';
    case 'UF_DEPARTMENT':
      return [...u.UF_DEPARTMENT];
    case 'USER_TYPE':
      return u.USER_TYPE;
    case 'LAST_LOGIN':
    case 'DATE_REGISTER':
      return formatIso(u[field]);
    case 'PERSONAL_BIRTHDAY':
    case 'UF_EMPLOYMENT_DATE':
      return formatDateField(u[field]);
    case 'TIMESTAMP_X':
      return formatSiteDateTime(u.TIMESTAMP_X);
    case 'LAST_ACTIVITY_DATE':
      return formatSqlDateTime(u.LAST_ACTIVITY_DATE);
    default:
      return u[field];
  }
}

/** Values for filtering: booleans as Y/N, ids as numbers, lists as lists. */
export function userFilterValue(u: User, field: string): string | number | (string | number)[] | undefined {
  if (!(field in USER_FIELD_LABELS)) return undefined;
  const f = field as UserFieldName;
  switch (f) {
    case 'ID':
      return u.ID;
    case 'ACTIVE':
      return u.ACTIVE ? 'Y' : 'N';
    case 'IS_ONLINE':
      return u.IS_ONLINE ? 'Y' : 'N';
    case 'UF_DEPARTMENT':
      return u.UF_DEPARTMENT;
    default:
      return u[f];
  }
}

export function fullName(u: User): string {
  return [u.NAME, u.LAST_NAME].filter((s) => s !== '').join(' ');
}
