import { profileUserIdOf } from './page-kind.ts';
import { profile } from './selectors.ts';

export interface ProfilePage {
  userId: number;
  /** The profile shows a dismissed (inactive) employee. */
  dismissed: boolean;
}

/** The profile a page shows, or null when the URL is not a profile or the profile markup is missing. */
export function readProfile(doc: Document, url: URL): ProfilePage | null {
  const userId = profileUserIdOf(url);
  const wrap = doc.querySelector(profile.wrap);
  if (userId === null || !wrap) return null;
  return {
    userId,
    dismissed: wrap.classList.contains(profile.firedClass) || wrap.querySelector(profile.firedRank) !== null,
  };
}
