import { type Bitrix24Client, isUserActive } from '../../../bitrix24/index.ts';
import { readProfiles } from '../anonymise/read-profiles.ts';
import { UnknownSubjectError } from './errors.ts';

/**
 * Dismisses the account (`user.update ACTIVE=N`; Bitrix24 cannot delete a user). Reads first, so a
 * second run sends nothing; returns whether this call changed it.
 */
export async function deactivateAccount(
  portal: Bitrix24Client,
  userId: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const options = signal ? { signal } : {};
  const user = (await readProfiles(portal, [userId], signal)).get(userId);
  if (!user) throw new UnknownSubjectError([userId]);
  if (!isUserActive(user)) return false;
  await portal.call('user.update', { ID: userId, ACTIVE: 'N' }, options);
  return true;
}
