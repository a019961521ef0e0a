import { parseHeads, type TreeHead } from '../audit/audit-tree-head.ts';

/** The first word of every head message in the portal chat, so the verifier knows ours from chatter. */
export const HEAD_MESSAGE_PREFIX = 'b24-gdpr audit tree head';

/** A head as compact JSON, its fields in a fixed order: what the chat message, the mail and witnesses carry. */
export function headJson(head: TreeHead): string {
  const { logId, treeSize, rootHash, timestamp, keyId, signature } = head;
  return JSON.stringify({ logId, treeSize, rootHash, timestamp, keyId, signature });
}

/** The text of a head's chat message: one line a person can read, then the JSON the verifier parses. */
export function headMessage(head: TreeHead): string {
  return `${HEAD_MESSAGE_PREFIX}: ${head.treeSize} events at ${head.timestamp}\n${headJson(head)}`;
}

/** The portal may give text back HTML-escaped; none of a head's characters needs it, so undoing is safe. */
const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The head in a chat message's text, or a reason it has none. Null when the message is not a head
 * message at all (no prefix): people may talk in the chat.
 */
export function headFromMessage(text: string): TreeHead | { malformed: string } | null {
  const plain = unescapeHtml(text);
  if (!plain.startsWith(HEAD_MESSAGE_PREFIX)) return null;
  const start = plain.indexOf('{');
  const end = plain.lastIndexOf('}');
  if (start < 0 || end < start) return { malformed: 'no JSON in the message' };
  try {
    return parseHeads(JSON.parse(plain.slice(start, end + 1)))[0]!;
  } catch (error) {
    return { malformed: (error as Error).message };
  }
}
