import {
  type B24User,
  type BatchCommand,
  type Bitrix24Client,
  command,
  isUserActive,
  type UserUpdateParams,
} from '../../../bitrix24/index.ts';
import { ProfileUpdateRefusedError, UnknownSubjectError } from './errors.ts';
import { anonymousProfile, DEPARTMENT_FIELD, profileDifferences } from './profile-fields.ts';
import { readProfiles } from './read-profiles.ts';

export interface AnonymiseOptions {
  /** An administrator's client: `user.update` is for administrators only. */
  portal: Bitrix24Client;
  /** "Anonymous 7F3A": a keyed hash of the user id, so the same user always gets the same name. */
  pseudonymFor(userId: number): string;
  /** Also empty UF_DEPARTMENT (erasure does; a plain anonymisation keeps the org chart). */
  clearDepartments?: boolean;
  signal?: AbortSignal;
}

export interface ProfileAnonymisation {
  userId: number;
  /** Field names written by this run; empty when the profile already was anonymous. */
  changed: string[];
  /** Personal fields deliberately left as they are. */
  kept: string[];
}

function positiveIds(userIds: readonly number[]): number[] {
  const ids = [...new Set(userIds)];
  const bad = ids.filter((id) => !Number.isInteger(id) || id < 1);
  if (bad.length > 0) throw new UnknownSubjectError(bad);
  return ids;
}

/**
 * Replaces every personal profile field of each user through `user.update`, in batches of 50. Reads
 * first and writes only the fields that still differ, so a second run sends no write at all. Unknown
 * ids fail the whole call before anything is written.
 */
export async function anonymiseProfiles(
  options: AnonymiseOptions,
  userIds: readonly number[],
): Promise<ProfileAnonymisation[]> {
  const ids = positiveIds(userIds);
  const users = await readProfiles(options.portal, ids, options.signal);
  const missing = ids.filter((id) => !users.has(id));
  if (missing.length > 0) throw new UnknownSubjectError(missing);

  const outcomes: ProfileAnonymisation[] = [];
  const commands: Record<string, BatchCommand<'user.update'>> = {};
  for (const id of ids) {
    const target = anonymousProfile(id, options.pseudonymFor(id), options);
    const changed = profileDifferences(users.get(id) as B24User, target);
    outcomes.push({ userId: id, changed, kept: options.clearDepartments ? [] : [DEPARTMENT_FIELD] });
    if (changed.length === 0) continue;
    const fields = Object.fromEntries(changed.map((field) => [field, target[field]]));
    commands[`a${id}`] = command('user.update', { ID: id, ...fields } as UserUpdateParams);
  }
  // user.update writes fixed values, so the client may retry it freely.
  const results = await options.portal.batch(commands, options.signal ? { signal: options.signal } : {});
  for (const [key, item] of Object.entries(results)) {
    if (item.status === 'error') {
      throw new ProfileUpdateRefusedError(Number(key.slice(1)), item.error.code, item.error.description);
    }
  }
  return outcomes;
}

/** One subject; see `anonymiseProfiles`. */
export async function anonymiseProfile(
  options: AnonymiseOptions & { subjectUserId: number },
): Promise<ProfileAnonymisation> {
  const [outcome] = await anonymiseProfiles(options, [options.subjectUserId]);
  return outcome as ProfileAnonymisation;
}

/** Whether a `user.get` row already carries the anonymous profile (no portal call). */
export function isProfileAnonymised(
  user: B24User,
  pseudonym: string,
  options: { clearDepartments?: boolean } = {},
): boolean {
  return profileDifferences(user, anonymousProfile(Number(user.ID), pseudonym, options)).length === 0;
}

export interface ProfileState {
  userId: number;
  anonymised: boolean;
  /** Fields that still hold something other than the anonymous value. */
  remaining: string[];
  active: boolean;
}

/** Reads the profile back: for verification after a run and to decide where to resume. */
export async function checkProfile(
  options: Omit<AnonymiseOptions, 'clearDepartments'> & { subjectUserId: number; clearDepartments?: boolean },
): Promise<ProfileState> {
  const [id] = positiveIds([options.subjectUserId]) as [number];
  const user = (await readProfiles(options.portal, [id], options.signal)).get(id);
  if (!user) throw new UnknownSubjectError([id]);
  const remaining = profileDifferences(user, anonymousProfile(id, options.pseudonymFor(id), options));
  return { userId: id, anonymised: remaining.length === 0, remaining, active: isUserActive(user) };
}
