import { isPortalIdString } from '@b24-gdpr/shared';

/**
 * Keys that carry portal ids in a delivery: `auth[user_id]` (who triggered it) and, under `data[…]`,
 * every `…[ID]` and `…[…_ID]` (POST_ID, TASK_ID, …). `auth[member_id]` is the portal's hex id, not one.
 */
const ID_KEY = /^(auth\[user_id\]|data\[.*(\[ID\]|_ID\]))$/;

/**
 * The first id-carrying field whose value is not a portal id, or null. Empty and `0` mean "none" to
 * Bitrix24 (a task comment posted in the task's chat arrives with `[ID]=0`), so they pass.
 */
export function payloadIdProblem(form: URLSearchParams): string | null {
  for (const [key, value] of form) {
    if (ID_KEY.test(key) && value !== '' && value !== '0' && !isPortalIdString(value)) return key;
  }
  return null;
}
