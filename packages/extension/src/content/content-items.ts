import { readPosts } from '../bitrix24/live-feed.ts';
import { readMessages } from '../bitrix24/messenger.ts';
import { liveFeed, messenger } from '../bitrix24/selectors.ts';

/** A post or chat message on screen, as the overlays and the edit detection see it. */
export interface ContentItem {
  kind: 'post' | 'message';
  id: string;
  text: string;
  /** The page shows an "edited" mark (messages only). */
  edited: boolean;
  element: Element;
}

/** The API's entity type of a kind (`ContentEntityType`). */
export const ENTITY_TYPES = { post: 'POST', message: 'MESSAGE' } as const;

/** `post:45`, `message:1202`: one item, whatever element shows it. */
export const itemKey = (item: Pick<ContentItem, 'kind' | 'id'>): string => `${item.kind}:${item.id}`;

/** Every post and message under `root`. */
export function readContentItems(root: ParentNode): ContentItem[] {
  return [
    ...readPosts(root).map(
      (p): ContentItem => ({
        kind: 'post',
        id: p.id,
        // The title is part of what an edit changes, and the portal's post text has no title.
        text: p.text,
        edited: false,
        element: p.element,
      }),
    ),
    ...readMessages(root).map((m): ContentItem => ({ kind: 'message', ...m })),
  ];
}

/** Where an item's badge is mounted (the author line of a post, the status of a message). */
export function badgeAnchorOf(item: ContentItem): Element {
  const selector = item.kind === 'post' ? liveFeed.badgeAnchor : messenger.badgeAnchor;
  return item.element.querySelector(selector) ?? item.element;
}
