import { UsersDocument } from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';

/**
 * A portal user's display name, or null when the signed-in user may not list users (only admins and
 * auditors may) or the user is unknown. The API has no lookup by id; `users` is in id order and its
 * cursor is `base64url("u:" + id)`, so the page after id − 1 starts with the user, if they exist.
 */
export async function lookUpUserName(api: ApiClient, userId: number): Promise<string | null> {
  const after = userId > 1 ? base64url(`u:${userId - 1}`) : null;
  const page = await api.execute(UsersDocument, { first: 1, after });
  if (!page.ok) return null;
  const node = page.value.users.edges[0]?.node;
  if (!node || node.id !== userId) return null;
  return [node.name, node.lastName].filter(Boolean).join(' ') || null;
}

const base64url = (text: string): string =>
  btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
