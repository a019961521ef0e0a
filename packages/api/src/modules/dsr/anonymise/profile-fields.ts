/**
 * What anonymisation writes into each profile field. One table, so the rules are reviewed in one place
 * and `user.update`, the idempotency check and the verification all read the same list.
 *
 * Field names are those of `user.update` (bitrix24/b24restdocs `api-reference/user/user-update.md`).
 * Fields `user.update` cannot write (LAST_LOGIN, DATE_REGISTER, LAST_ACTIVITY_DATE, TIMESTAMP_X) stay;
 * they say when, not who, once the name and contacts are gone.
 */

/** Replaced by the pseudonym ("Anonymous 7F3A") or emptied. */
export const NAME_FIELDS = ['NAME', 'LAST_NAME', 'SECOND_NAME'] as const;

/** Plain text fields, cleared by writing ''. */
export const CLEARED_TEXT_FIELDS = [
  'XML_ID', // an HR or directory id: links the account back to a person elsewhere
  'PERSONAL_GENDER',
  'PERSONAL_PROFESSION',
  'PERSONAL_WWW',
  'PERSONAL_BIRTHDAY',
  'PERSONAL_ICQ',
  'PERSONAL_PHONE',
  'PERSONAL_FAX',
  'PERSONAL_MOBILE',
  'PERSONAL_PAGER',
  'PERSONAL_STREET',
  'PERSONAL_CITY',
  'PERSONAL_STATE',
  'PERSONAL_ZIP',
  'PERSONAL_COUNTRY',
  'PERSONAL_MAILBOX',
  'PERSONAL_NOTES',
  'WORK_PHONE',
  'WORK_COMPANY',
  'WORK_POSITION',
  'WORK_DEPARTMENT',
  'WORK_WWW',
  'WORK_FAX',
  'WORK_PAGER',
  'WORK_STREET',
  'WORK_MAILBOX',
  'WORK_CITY',
  'WORK_STATE',
  'WORK_ZIP',
  'WORK_COUNTRY',
  'WORK_PROFILE',
  'WORK_NOTES',
  'UF_EMPLOYMENT_DATE',
  'UF_PHONE_INNER',
  'UF_SKYPE',
  'UF_SKYPE_LINK',
  'UF_ZOOM',
  'UF_XING',
  'UF_LINKEDIN',
  'UF_FACEBOOK',
  'UF_TWITTER',
  'UF_WEB_SITES',
  'UF_INTERESTS',
  'UF_SKILLS',
  'UF_DISTRICT',
] as const;

/**
 * File fields. The REST handler turns an empty PERSONAL_PHOTO into `{ del: 'Y' }` itself
 * (`CRestUser::prepareSaveData`); WORK_LOGO gets no such help, so we send `{ del: 'Y' }`, which
 * `CUser::Update` completes with the old file id (*unconfirmed* on a live portal).
 */
export const FILE_FIELDS = { PERSONAL_PHOTO: '', WORK_LOGO: { del: 'Y' } } as const;

/**
 * Department membership is the company's org chart, not the person's data, and Bitrix24 treats an
 * intranet user without a department as an extranet user (different access). So anonymisation keeps
 * it unless asked; erasure clears it, since the account is deactivated right after. Cleared by
 * writing '' (`prepareSaveData` passes a non-array empty value through; *unconfirmed* on a live portal).
 */
export const DEPARTMENT_FIELD = 'UF_DEPARTMENT';

/** RFC 2606 reserves `.invalid`; a dotted domain also passes Bitrix's own e-mail check. */
export function anonymousEmail(userId: number): string {
  return `anon-${userId}@anonymised.invalid`;
}

export type ProfileValue = string | { del: 'Y' };

/** The profile an anonymised user has: field → value written by `user.update`. */
export function anonymousProfile(
  userId: number,
  pseudonym: string,
  options: { clearDepartments?: boolean } = {},
): Record<string, ProfileValue> {
  const target: Record<string, ProfileValue> = {
    NAME: pseudonym,
    LAST_NAME: '',
    SECOND_NAME: '',
    EMAIL: anonymousEmail(userId),
  };
  for (const field of CLEARED_TEXT_FIELDS) target[field] = '';
  Object.assign(target, FILE_FIELDS);
  if (options.clearDepartments) target[DEPARTMENT_FIELD] = '';
  return target;
}

/** '', null, false, 0, '0', [] and `{}` all mean "nothing stored" in `user.get` answers. */
function isEmpty(value: unknown): boolean {
  if (value === undefined) return false; // not returned: we cannot tell, so it is written again
  if (value === null || value === false || value === '' || value === 0 || value === '0') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * Fields of `current` (a `user.get` row) that differ from the anonymous profile: what `user.update`
 * still has to write. Empty for an anonymised profile, which is what makes a second run a no-op.
 */
export function profileDifferences(
  current: Record<string, unknown>,
  target: Record<string, ProfileValue>,
): string[] {
  return Object.entries(target)
    .filter(([field, wanted]) => {
      const value = current[field];
      if (typeof wanted !== 'string' || wanted === '') return !isEmpty(value);
      return value !== wanted;
    })
    .map(([field]) => field);
}
