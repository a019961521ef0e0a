import type { AppSecret } from '../../../settings/app-secret.ts';

/** How the subject is named in their own records. */
export const YOU = 'you';

/**
 * Other people in this system's records, as the subject's export shows them: Art. 15(4) keeps their
 * identities out of it, so each appears as a keyed pseudonym (`person:…`). It is stable within one
 * subject's exports, so the same person can be followed across rows and archives, but it is keyed
 * on the subject too: two subjects' archives cannot be joined on it, and it is not the `anon:…` id
 * erasure writes in our tables. Ids erasure already replaced are pseudonymised the same way.
 */
export function personRef(
  secret: AppSecret,
  subject: number,
  who: string | number | null | undefined,
): string | null {
  if (who === null || who === undefined || who === '') return null;
  if (String(who) === String(subject)) return YOU;
  return `person:${secret.mac('export-person', `${subject}:${who}`).slice(0, 12)}`;
}

/** How columns that name people explain these values in README.txt. */
export const PERSON_VALUES = `"${YOU}" is you; anyone else appears as a code ("person:…") that stands for the same person throughout your export, without naming them.`;
