import type { PortalConnection } from '../portal/connect.ts';
import type { ContentRef } from './edit-history.service.ts';

/** A text a page showed, as the extension reported it. */
export interface WitnessedText extends ContentRef {
  text: string;
  deleted: boolean;
}

export const witnessKey = (c: WitnessedText): string => `${c.entityType}:${c.entityId}:${c.text}`;

/**
 * What a page shows of a stored text: BBCode tags are markup the page renders (`[B]`, `[URL=…]`…), and
 * runs of white space are laid out, not shown. Compared on both sides, so only the words count.
 */
export function shownText(text: string): string {
  return text
    .replace(/\[\/?[a-z*]+(?:=[^\]]*)?\]/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The reported texts the portal confirms: a report is a version only when the portal's current text of
 * the item, read with the reporter's own credentials where this system has them (else the application's
 * webhook user), is the text reported. So nobody can put words into another item's history, and a text
 * the reporter could not have seen is not confirmed by a user who cannot read it.
 *
 * Only Live Feed posts can be read back by id (`log.blogpost.get`, posts visible to the caller).
 * Comments (no REST read by id), chat messages (`im.dialog.messages.get` needs the dialog, and private
 * chats are readable by their participants only), task comments (need the task id) and every deletion
 * (absence does not tell deleted from not visible) stay unconfirmed: their events are kept, as what the
 * reporter says they witnessed, and no version is stored. The portal's own events and the chat poller
 * record those.
 */
export async function confirmWitnessed(
  portal: Pick<PortalConnection, 'client' | 'credentialsFor'>,
  reporterId: number,
  reports: readonly WitnessedText[],
): Promise<Set<string>> {
  const posts = reports.filter((r) => r.entityType === 'POST' && !r.deleted);
  const confirmed = new Set<string>();
  if (posts.length === 0) return confirmed;
  const client = (await portal.credentialsFor(reporterId)) ?? portal.client;
  for (const postId of new Set(posts.map((p) => p.entityId))) {
    // Network failures propagate: the extension sends the batch again later, nothing is stored now.
    const found = await client.call('log.blogpost.get', { POST_ID: postId });
    const post = found.find((candidate) => String(candidate.ID) === postId);
    if (!post) continue;
    const current = shownText(String(post.DETAIL_TEXT ?? ''));
    for (const report of posts) {
      if (report.entityId === postId && shownText(report.text) === current) confirmed.add(witnessKey(report));
    }
  }
  return confirmed;
}
