import { type B24User, type BatchCommand, type Bitrix24Client, command } from '../../../bitrix24/index.ts';

/** One `user.get` page holds 50 rows, so one command per 50 ids and one HTTP request per 2,500. */
const IDS_PER_COMMAND = 50;

/**
 * Reads the profiles of `userIds` as the administrator sees them (`ADMIN_MODE`, so dismissed and
 * extranet users are included). Ids the portal does not know are absent from the map.
 */
export async function readProfiles(
  portal: Bitrix24Client,
  userIds: readonly number[],
  signal?: AbortSignal,
): Promise<Map<number, B24User>> {
  const commands: Record<string, BatchCommand<'user.get'>> = {};
  for (let i = 0; i < userIds.length; i += IDS_PER_COMMAND) {
    const chunk = userIds.slice(i, i + IDS_PER_COMMAND);
    commands[`u${i / IDS_PER_COMMAND}`] = command('user.get', { FILTER: { '@ID': chunk }, ADMIN_MODE: true });
  }
  const results = await portal.batch(commands, signal ? { signal } : {});
  const users = new Map<number, B24User>();
  for (const item of Object.values(results)) {
    if (item.status === 'error') throw item.error;
    if (item.status !== 'ok') continue;
    for (const user of item.result) users.set(Number(user.ID), user);
  }
  return users;
}
